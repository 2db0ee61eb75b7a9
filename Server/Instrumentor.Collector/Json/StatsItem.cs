using System.Collections.Generic;
using System.Text.Json.Serialization;

namespace Instrumentor.Collector.Json;

/// <summary>One process in <c>GET /api/stats</c>. Percentiles are over measured durations (NULL when none was).</summary>
internal sealed record StatsItem(
    [property: JsonPropertyName("process")] string Process,
    [property: JsonPropertyName("count")] long Count,
    [property: JsonPropertyName("errors")] long Errors,
    [property: JsonPropertyName("error_rate")] double ErrorRate,
    [property: JsonPropertyName("p50_ms")] double? P50Ms,
    [property: JsonPropertyName("p95_ms")] double? P95Ms,
    [property: JsonPropertyName("p99_ms")] double? P99Ms,
    [property: JsonPropertyName("buckets")] IReadOnlyList<StatsBucket> Buckets);
