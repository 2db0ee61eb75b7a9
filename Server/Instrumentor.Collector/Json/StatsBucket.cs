using System.Text.Json.Serialization;

namespace Instrumentor.Collector.Json;

/// <summary>One time bucket of a process's stats; <c>t</c> is the bucket's start (store text timestamp).</summary>
internal sealed record StatsBucket(
    [property: JsonPropertyName("t")] string T,
    [property: JsonPropertyName("count")] long Count,
    [property: JsonPropertyName("errors")] long Errors,
    [property: JsonPropertyName("p95_ms")] double? P95Ms);
