using System;
using System.Diagnostics;
using System.Threading.Tasks;
using Instrumentor.Runtime;
using Instrumentor.Sessions.Context;
using Microsoft.Extensions.AI;

namespace Instrumentor.Sessions.Ai;

/// <summary>
/// One chat call being recorded: its span (a child of the surrounding [Monitor] span), its clock, what the answer
/// said about model, usage and finish reason; at the end, an <see cref="LlmCallEvent"/> in the current timestep
/// and the span with the GenAI attributes. Nothing here may change what the caller sees.
/// </summary>
internal sealed class LlmCallRecording
{
    private readonly InstrumentorChatClient _client;
    private readonly long _start = Stopwatch.GetTimestamp();
    private readonly bool _streaming;
    private readonly SessionScope? _session;
    private readonly TimestepScope? _timestep;
    private long _firstUpdate;
    private bool _finished;

    internal LlmCallRecording(InstrumentorChatClient client, ChatOptions? options, bool streaming)
    {
        _client = client;
        _streaming = streaming;
        ChatClientMetadata? metadata = client.InnerMetadata;
        RequestModel = options?.ModelId ?? metadata?.DefaultModelId;
        Provider = metadata?.ProviderName;
        _session = client.Tracer.CurrentSession;
        _timestep = client.Tracer.CurrentTimestep;
        if (client.RecordSpans)
        {
            Span = AsyncSpan.Start(streaming ? GenAiAttributes.Streaming : GenAiAttributes.Response);
        }
    }

    internal AsyncSpan? Span { get; }

    internal string? RequestModel { get; }

    internal string? Provider { get; }

    internal string? ResponseModel { get; set; }

    internal string? FinishReason { get; set; }

    internal string? ResponseId { get; set; }

    internal long? InputTokens { get; private set; }

    internal long? OutputTokens { get; private set; }

    internal long? TotalTokens { get; private set; }

    /// <summary>Ends the span's hold on the async context (work started by the caller from here on is not its child).</summary>
    internal void Exit() => Span?.Exit();

    internal void AddUsage(UsageDetails? usage)
    {
        if (usage is null)
        {
            return;
        }

        InputTokens = Sum(InputTokens, usage.InputTokenCount);
        OutputTokens = Sum(OutputTokens, usage.OutputTokenCount);
        TotalTokens = Sum(TotalTokens, usage.TotalTokenCount);

        static long? Sum(long? a, long? b) => b is null ? a : (a ?? 0) + b;
    }

    internal void Update(ChatResponseUpdate update)
    {
        if (_firstUpdate == 0)
        {
            _firstUpdate = Stopwatch.GetTimestamp();
        }

        ResponseModel ??= update.ModelId;
        ResponseId ??= update.ResponseId;
        if (update.FinishReason is ChatFinishReason reason)
        {
            FinishReason = reason.Value;
        }

        foreach (AIContent content in update.Contents)
        {
            if (content is UsageContent usage)
            {
                AddUsage(usage.Details);
            }
        }
    }

    internal void Response(ChatResponse response)
    {
        ResponseModel = response.ModelId;
        ResponseId = response.ResponseId;
        FinishReason = response.FinishReason?.Value;
        AddUsage(response.Usage);
    }

    /// <summary>Records the event and ends the span; once. Never throws.</summary>
    internal async ValueTask FinishAsync(Exception? error)
    {
        if (_finished)
        {
            return;
        }

        _finished = true;
        double latency = Stopwatch.GetElapsedTime(_start).TotalMilliseconds;
        double? ttft = _streaming && _firstUpdate != 0 ? Stopwatch.GetElapsedTime(_start, _firstUpdate).TotalMilliseconds : null;
        var call = new LlmCallEvent
        {
            ModelName = ResponseModel ?? RequestModel,
            Provider = Provider,
            InputTokens = InputTokens,
            OutputTokens = OutputTokens,
            TotalTokens = TotalTokens,
            LatencyMs = latency,
            TimeToFirstTokenMs = ttft,
            Status = error is null ? "OK" : "ERR",
            Error = error is null ? null : error.GetType().FullName + ": " + error.Message,
            SystemInstanceId = _client.SystemInstanceId ?? ResponseModel ?? RequestModel,
        };
        if (Span is not null)
        {
            call.TraceId = AmbientSpan.TraceId(Span.TraceHigh, Span.TraceLow);
            call.SpanId = SpanText.Hex(Span.SpanId);
        }

        try
        {
            // The session and timestep of the call's start: a streamed answer may be read after the step moved on.
            if (_session is not null && !_session.IsEnded)
            {
                call.SessionId = _session.SessionId;
                call.TimestepId = _timestep?.Id;
                await _client.Tracer.RecordEventAsync(call).ConfigureAwait(false);
            }
            else
            {
                // No session: the call is still priced for its span.
                if (call.CostUsd is null && _client.Tracer.Options.Prices.TryGet(call.ModelName, out ModelPrice price) && (InputTokens ?? OutputTokens) is not null)
                {
                    call.CostUsd = price.Cost(InputTokens ?? 0, OutputTokens ?? 0);
                }
            }
        }
        catch
        {
            // A disposed tracer or a bad hook never turns into the caller's error.
        }

        EndSpan(call, error);
    }

    private void EndSpan(LlmCallEvent call, Exception? error)
    {
        if (Span is null)
        {
            return;
        }

        try
        {
            if (Span.IsSampled)
            {
                Span.SetArgument(GenAiAttributes.OperationName, CapturedValue.FromText("chat"));
                Span.SetArgument(GenAiAttributes.ProviderName, CapturedValue.FromString(Provider));
                Span.SetArgument(GenAiAttributes.RequestModel, CapturedValue.FromString(RequestModel));
                Span.SetArgument(GenAiAttributes.ResponseModel, CapturedValue.FromString(ResponseModel));
                Span.SetArgument(GenAiAttributes.InputTokens, Number(InputTokens));
                Span.SetArgument(GenAiAttributes.OutputTokens, Number(OutputTokens));
                Span.SetArgument(GenAiAttributes.TotalTokens, Number(call.TotalTokens));
                Span.SetArgument(GenAiAttributes.FinishReasons, CapturedValue.FromString(FinishReason));
                Span.SetArgument(GenAiAttributes.ResponseId, CapturedValue.FromString(ResponseId));
                Span.SetArgument(GenAiAttributes.CostUsd, call.CostUsd is decimal cost ? CapturedValue.FromDecimal(cost) : CapturedValue.Null);
                Span.SetArgument(GenAiAttributes.TimeToFirstTokenMs, call.TimeToFirstTokenMs is double t ? CapturedValue.FromDouble(t) : CapturedValue.Null);
                Span.SetArgument(GenAiAttributes.SessionId, CapturedValue.FromString(call.SessionId));
            }

            Span.Track(error is null ? Task.CompletedTask : Task.FromException(error));
        }
        catch
        {
            // Tracing never changes the behaviour of the traced call.
        }

        static CapturedValue Number(long? value) => value is long v ? CapturedValue.FromInt64(v) : CapturedValue.Null;
    }
}
