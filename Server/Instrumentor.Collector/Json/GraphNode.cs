using System.Text.Json.Serialization;

namespace Instrumentor.Collector.Json;

/// <summary>A process in <c>GET /api/graph</c>.</summary>
internal sealed record GraphNode(
    [property: JsonPropertyName("process")] string Process,
    [property: JsonPropertyName("count")] long Count,
    [property: JsonPropertyName("errors")] long Errors,
    [property: JsonPropertyName("last_seen")] string LastSeen);
