using System.Collections.Generic;
using System.Text.Json.Serialization;

namespace Instrumentor.Collector.Json;

/// <summary><c>GET /api/stats</c>: one item per process, busiest first.</summary>
internal sealed record StatsAnswer([property: JsonPropertyName("items")] IReadOnlyList<StatsItem> Items);
