using System.Collections.Generic;
using System.Text.Json.Serialization;

namespace Instrumentor.Collector.Json;

/// <summary><c>GET /api/graph</c>: processes and parent → child edges in the time range.</summary>
internal sealed record GraphAnswer(
    [property: JsonPropertyName("nodes")] IReadOnlyList<GraphNode> Nodes,
    [property: JsonPropertyName("edges")] IReadOnlyList<GraphEdge> Edges);
