using System.Collections.Generic;
using System.Text.Json.Serialization;

namespace Instrumentor.Collector.Json;

/// <summary><c>GET /api/spans/{span_id}</c>: the span, its log lines and where its method is declared.</summary>
internal sealed class SpanDetail : SpanItem
{
    [JsonPropertyOrder(1)]
    [JsonPropertyName("logs")] public required IReadOnlyList<LogItem> Logs { get; init; }
    [JsonPropertyOrder(2)]
    [JsonPropertyName("source")] public SourceLocation? Source { get; init; }
}
