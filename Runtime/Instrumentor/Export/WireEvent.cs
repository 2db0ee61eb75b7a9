using System.Collections.Generic;
using System.Text.Json.Serialization;

namespace Instrumentor.Export;

/// <summary>One span in the collector's wire format (<c>EVENT</c> of the ingest API).</summary>
internal sealed class WireEvent
{
    [JsonPropertyName("trace_id")] public required string TraceId { get; init; }
    [JsonPropertyName("span_id")] public required string SpanId { get; init; }
    [JsonPropertyName("parent_span_id")] public string? ParentSpanId { get; init; }
    [JsonPropertyName("process")] public required string Process { get; init; }
    [JsonPropertyName("process_group")] public string? ProcessGroup { get; init; }
    [JsonPropertyName("start")] public required string Start { get; init; }
    [JsonPropertyName("duration_ms")] public double? DurationMs { get; init; }
    [JsonPropertyName("status")] public required string Status { get; init; }
    [JsonPropertyName("exception")] public string? Exception { get; init; }
    [JsonPropertyName("thread_id")] public int? ThreadId { get; init; }
    [JsonPropertyName("data")] public List<WireValue>? Data { get; init; }
}
