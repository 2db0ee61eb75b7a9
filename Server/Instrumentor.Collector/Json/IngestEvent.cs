using System.Collections.Generic;
using System.Text.Json.Serialization;

namespace Instrumentor.Collector.Json;

/// <summary>One span as a client sends it (DESIGN.md §7, <c>EVENT</c>). Every field is nullable so that a missing one is
/// reported with its JSON path by <see cref="Ingest.EventValidator"/> rather than by the deserializer.</summary>
internal sealed class IngestEvent
{
    [JsonPropertyName("trace_id")] public string? TraceId { get; set; }
    [JsonPropertyName("span_id")] public string? SpanId { get; set; }
    [JsonPropertyName("parent_span_id")] public string? ParentSpanId { get; set; }
    [JsonPropertyName("process")] public string? Process { get; set; }
    [JsonPropertyName("process_group")] public string? ProcessGroup { get; set; }
    [JsonPropertyName("start")] public string? Start { get; set; }
    [JsonPropertyName("duration_ms")] public double? DurationMs { get; set; }
    [JsonPropertyName("status")] public string? Status { get; set; }
    [JsonPropertyName("exception")] public string? Exception { get; set; }
    [JsonPropertyName("thread_id")] public int? ThreadId { get; set; }
    [JsonPropertyName("data")] public List<IngestValue?>? Data { get; set; }
}
