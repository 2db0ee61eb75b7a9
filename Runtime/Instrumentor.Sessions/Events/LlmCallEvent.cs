using System.Collections.Generic;

namespace Instrumentor.Sessions;

/// <summary>One call to a language model (<c>event_type = 'cais'</c>): model, tokens, cost and latency.</summary>
public sealed class LlmCallEvent : SessionEvent
{
    /// <summary>The model that answered, e.g. <c>gpt-4o</c>.</summary>
    public string? ModelName { get; set; }

    /// <summary>Who serves it, e.g. <c>openai</c>.</summary>
    public string? Provider { get; set; }

    /// <summary>Prompt tokens.</summary>
    public long? InputTokens { get; set; }

    /// <summary>Completion tokens.</summary>
    public long? OutputTokens { get; set; }

    /// <summary>All tokens; input + output when unset and both are known.</summary>
    public long? TotalTokens { get; set; }

    /// <summary>Cost in US dollars; priced from <see cref="SessionTracerOptions.Prices"/> at record time when unset.</summary>
    public decimal? CostUsd { get; set; }

    /// <summary>Wall-clock duration of the call in milliseconds.</summary>
    public double? LatencyMs { get; set; }

    /// <summary>For a streamed answer: milliseconds until the first update arrived.</summary>
    public double? TimeToFirstTokenMs { get; set; }

    /// <summary><c>OK</c> or <c>ERR</c>.</summary>
    public string Status { get; set; } = "OK";

    /// <summary>The error of a failed call (type and message).</summary>
    public string? Error { get; set; }

    /// <inheritdoc />
    public override string EventType => "cais";

    internal override void AddTypedMetadata(Dictionary<string, object?> metadata)
    {
        metadata["status"] = Status;
        if (Error is not null)
        {
            metadata["error"] = Error;
        }

        if (TimeToFirstTokenMs is double ttft)
        {
            metadata["time_to_first_token_ms"] = ttft;
        }
    }

    internal override void ReadTypedMetadata(IReadOnlyDictionary<string, object?> metadata)
    {
        if (metadata.TryGetValue("status", out object? status) && status is string s)
        {
            Status = s;
        }

        if (metadata.TryGetValue("error", out object? error) && error is string e)
        {
            Error = e;
        }

        if (metadata.TryGetValue("time_to_first_token_ms", out object? ttft) && ttft is double t)
        {
            TimeToFirstTokenMs = t;
        }
    }
}
