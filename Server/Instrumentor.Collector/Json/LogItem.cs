using System.Text.Json.Serialization;

namespace Instrumentor.Collector.Json;

/// <summary>A stored log line (the columns of the logical view <c>logs</c>).</summary>
internal sealed record LogItem(
    [property: JsonPropertyName("ts")] string Ts,
    [property: JsonPropertyName("level")] string? Level,
    [property: JsonPropertyName("logger")] string? Logger,
    [property: JsonPropertyName("message")] string? Message,
    [property: JsonPropertyName("trace_id")] string? TraceId,
    [property: JsonPropertyName("span_id")] string? SpanId,
    [property: JsonPropertyName("parent_span_id")] string? ParentSpanId,
    [property: JsonPropertyName("exception")] string? Exception,
    [property: JsonPropertyName("attributes")] string? Attributes,
    [property: JsonPropertyName("service")] string? Service);
