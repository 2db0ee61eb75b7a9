using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;

namespace Instrumentor.Sessions.Ai;

/// <summary>
/// The Microsoft.Extensions.AI middleware of <see cref="ChatClientBuilderExtensions.UseInstrumentor"/>: every
/// <see cref="IChatClient.GetResponseAsync"/> and <see cref="IChatClient.GetStreamingResponseAsync"/> call becomes
/// an <see cref="LlmCallEvent"/> in the current session and timestep (model, provider, tokens from
/// <see cref="UsageDetails"/>, latency, time to first update when streamed, cost from the tracer's price table,
/// error status) and a span in the trace store, child of the surrounding [Monitor] span, with the OpenTelemetry
/// GenAI attribute names. Answers and exceptions reach the caller unchanged.
/// </summary>
public sealed class InstrumentorChatClient : DelegatingChatClient
{
    private ChatClientMetadata? _innerMetadata;
    private bool _metadataRead;

    /// <summary>Wraps <paramref name="innerClient"/>, recording into <paramref name="tracer"/>.</summary>
    public InstrumentorChatClient(IChatClient innerClient, SessionTracer tracer)
        : base(innerClient)
    {
        Tracer = tracer ?? throw new ArgumentNullException(nameof(tracer));
    }

    /// <summary>Where the calls are recorded.</summary>
    public SessionTracer Tracer { get; }

    /// <summary>The <c>system_instance_id</c> of the recorded events; the model name when unset.</summary>
    public string? SystemInstanceId { get; set; }

    /// <summary>Whether each call is also a span in the trace store (default <see langword="true"/>).</summary>
    public bool RecordSpans { get; set; } = true;

    internal ChatClientMetadata? InnerMetadata
    {
        get
        {
            if (!_metadataRead)
            {
                try
                {
                    _innerMetadata = InnerClient.GetService(typeof(ChatClientMetadata)) as ChatClientMetadata;
                }
                catch
                {
                    // A client that fails to describe itself is still recorded, without provider.
                }

                _metadataRead = true;
            }

            return _innerMetadata;
        }
    }

    /// <inheritdoc />
    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var recording = new LlmCallRecording(this, options, streaming: false);
        Task<ChatResponse> call;
        try
        {
            call = base.GetResponseAsync(messages, options, cancellationToken);
        }
        catch (Exception ex)
        {
            call = Task.FromException<ChatResponse>(ex);
        }
        finally
        {
            recording.Exit();
        }

        ChatResponse response;
        try
        {
            response = await call.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            await recording.FinishAsync(ex).ConfigureAwait(false);
            throw;
        }

        try
        {
            recording.Response(response);
        }
        catch
        {
            // Reading the answer for the record never fails the call.
        }

        await recording.FinishAsync(null).ConfigureAwait(false);
        return response;
    }

    /// <inheritdoc />
    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var recording = new LlmCallRecording(this, options, streaming: true);
        IAsyncEnumerator<ChatResponseUpdate> updates;
        try
        {
            updates = base.GetStreamingResponseAsync(messages, options, cancellationToken).GetAsyncEnumerator(cancellationToken);
        }
        catch (Exception ex)
        {
            recording.Exit();
            await recording.FinishAsync(ex).ConfigureAwait(false);
            throw;
        }

        // An async iterator cannot keep an AsyncLocal across its yields, so the span is the parent of what the call
        // itself starts synchronously; the updates are read outside it.
        recording.Exit();
        try
        {
            while (true)
            {
                ChatResponseUpdate update;
                try
                {
                    if (!await updates.MoveNextAsync().ConfigureAwait(false))
                    {
                        break;
                    }

                    update = updates.Current;
                }
                catch (Exception ex)
                {
                    await recording.FinishAsync(ex).ConfigureAwait(false);
                    throw;
                }

                try
                {
                    recording.Update(update);
                }
                catch
                {
                    // Reading an update for the record never fails the stream.
                }

                yield return update;
            }
        }
        finally
        {
            await updates.DisposeAsync().ConfigureAwait(false);

            // Also when the caller stopped reading early: the call happened and is recorded with what was seen.
            await recording.FinishAsync(null).ConfigureAwait(false);
        }
    }
}
