using System.Text.Json.Serialization;

namespace Instrumentor.Collector.Json;

/// <summary>Calls from a parent span's process to a child span's process in <c>GET /api/graph</c>.</summary>
internal sealed record GraphEdge(
    [property: JsonPropertyName("from")] string From,
    [property: JsonPropertyName("to")] string To,
    [property: JsonPropertyName("count")] long Count,
    [property: JsonPropertyName("last_seen")] string LastSeen);
