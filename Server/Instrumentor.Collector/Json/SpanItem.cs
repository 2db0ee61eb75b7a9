using System.Collections.Generic;
using System.Text.Json.Serialization;

namespace Instrumentor.Collector.Json;

/// <summary>A stored span (DESIGN.md §7, <c>SPAN</c>): the fields of an ingested event plus <c>ts</c> and <c>service</c>.</summary>
internal class SpanItem
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
    [JsonPropertyName("data")] public required IReadOnlyList<SpanValue> Data { get; init; }
    [JsonPropertyName("ts")] public required string Ts { get; init; }
    [JsonPropertyName("service")] public string? Service { get; init; }

    /// <summary>The span's row in the store: with <see cref="Ts"/>, the keyset position of cursors. Not serialized.</summary>
    [JsonIgnore] public long RowId { get; init; }
}
