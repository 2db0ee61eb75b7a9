using System.Collections.Generic;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Instrumentor.Collector.Json;

/// <summary>
/// One log line as <c>POST /api/ingest</c> takes it (DESIGN.md §11): <c>timestamp</c>, <c>level</c>, <c>event</c> (the
/// message; <c>message</c> is accepted too), <c>logger</c>, the span ids, <c>exception</c> (text or a structured
/// object) and any other field, kept as the line's attributes.
/// </summary>
internal sealed class LogBody
{
    [JsonPropertyName("timestamp")] public string? Timestamp { get; set; }
    [JsonPropertyName("level")] public string? Level { get; set; }
    [JsonPropertyName("event")] public string? Event { get; set; }
    [JsonPropertyName("message")] public string? Message { get; set; }
    [JsonPropertyName("logger")] public string? Logger { get; set; }
    [JsonPropertyName("trace_id")] public string? TraceId { get; set; }
    [JsonPropertyName("span_id")] public string? SpanId { get; set; }
    [JsonPropertyName("parent_id")] public string? ParentId { get; set; }
    [JsonPropertyName("service")] public string? Service { get; set; }
    [JsonPropertyName("exception")] public JsonElement? Exception { get; set; }
    [JsonExtensionData] public Dictionary<string, JsonElement>? Attributes { get; set; }
}
