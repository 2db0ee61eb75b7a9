using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;

namespace Instrumentor.Sessions.Tests.Ai;

/// <summary>A chat client with canned answers: no network. Streams its answer word by word, usage last.</summary>
internal sealed class FakeChatClient : IChatClient
{
    private readonly ChatClientMetadata _metadata = new("fakeai", new Uri("http://fake.invalid"), "fake-default");

    public string Answer { get; set; } = "the answer is 42";

    public string ModelId { get; set; } = "gpt-4o-2024-08-06";

    public UsageDetails? Usage { get; set; } = new() { InputTokenCount = 1200, OutputTokenCount = 300, TotalTokenCount = 1500 };

    public Exception? Failure { get; set; }

    /// <summary>Completed when the first streamed update is released (lets a test hold the stream).</summary>
    public TaskCompletionSource? FirstUpdateGate { get; set; }

    public int Calls { get; private set; }

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        Calls++;
        await Task.Yield();
        if (Failure is not null)
        {
            throw Failure;
        }

        return new ChatResponse(new ChatMessage(ChatRole.Assistant, Answer))
        {
            ModelId = ModelId, Usage = Usage, FinishReason = ChatFinishReason.Stop, ResponseId = "resp-1",
        };
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        Calls++;
        if (FirstUpdateGate is not null)
        {
            await FirstUpdateGate.Task;
        }

        await Task.Yield();
        string[] words = Answer.Split(' ');
        for (int i = 0; i < words.Length; i++)
        {
            if (Failure is not null && i == 1)
            {
                throw Failure;
            }

            yield return new ChatResponseUpdate(ChatRole.Assistant, (i == 0 ? "" : " ") + words[i]) { ModelId = ModelId, ResponseId = "resp-s" };
            await Task.Yield();
        }

        var last = new ChatResponseUpdate { FinishReason = ChatFinishReason.Stop, ModelId = ModelId };
        if (Usage is not null)
        {
            last.Contents.Add(new UsageContent(Usage));
        }

        yield return last;
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType == typeof(ChatClientMetadata) ? _metadata : serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose()
    {
    }
}
