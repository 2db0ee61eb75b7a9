using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;

namespace AgentSessions;

/// <summary>
/// A stand-in for a real model (no network): asks for the weather tool when the user asks about weather, answers
/// from a tool result when there is one, and fails like an overloaded endpoint when asked to.
/// </summary>
internal sealed class ScriptedChatClient : IChatClient
{
    private static readonly ChatClientMetadata s_metadata = new("scripted", new Uri("http://localhost/fake"), "fake-gpt-4o");

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        List<ChatMessage> history = messages.ToList();
        ChatMessage last = history[^1];
        int input = history.Sum(m => m.Text.Length / 4 + 8);
        if (last.Text.Contains("overload", StringComparison.OrdinalIgnoreCase))
        {
            return Task.FromException<ChatResponse>(new InvalidOperationException("503 Service Unavailable: the model is overloaded"));
        }

        ChatMessage answer;
        if (last.Role == ChatRole.User && last.Text.Contains("weather", StringComparison.OrdinalIgnoreCase))
        {
            answer = new ChatMessage(ChatRole.Assistant, [new FunctionCallContent("call-1", "get_weather", new Dictionary<string, object?> { ["city"] = "Paris" })]);
        }
        else if (last.Role == ChatRole.Tool)
        {
            string result = last.Contents.OfType<FunctionResultContent>().Select(r => r.Result?.ToString()).FirstOrDefault() ?? "";
            answer = new ChatMessage(ChatRole.Assistant, "It is " + result + " in Paris.");
        }
        else
        {
            answer = new ChatMessage(ChatRole.Assistant, "Hello! Ask me about the weather.");
        }

        int output = answer.Text.Length / 4 + 12;
        return Task.FromResult(new ChatResponse(answer)
        {
            ModelId = "fake-gpt-4o",
            FinishReason = answer.Contents.OfType<FunctionCallContent>().Any() ? ChatFinishReason.ToolCalls : ChatFinishReason.Stop,
            Usage = new UsageDetails { InputTokenCount = input, OutputTokenCount = output, TotalTokenCount = input + output },
        });
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ChatResponse response = await GetResponseAsync(messages, options, cancellationToken);
        foreach (ChatResponseUpdate update in response.ToChatResponseUpdates())
        {
            yield return update;
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => serviceType == typeof(ChatClientMetadata) ? s_metadata : null;

    public void Dispose()
    {
    }
}
