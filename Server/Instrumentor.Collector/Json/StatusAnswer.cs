using System.Text.Json.Serialization;

namespace Instrumentor.Collector.Json;

/// <summary><c>GET /api/status</c>: the store and the writer at a glance (the dashboard's status bar).</summary>
internal sealed record StatusAnswer(
    [property: JsonPropertyName("spans_total")] long SpansTotal,
    [property: JsonPropertyName("ingest_per_s")] double IngestPerSecond,
    [property: JsonPropertyName("error_rate_5m")] double ErrorRate5m,
    [property: JsonPropertyName("write_lag_ms")] double WriteLagMs,
    [property: JsonPropertyName("queue_depth")] int QueueDepth,
    [property: JsonPropertyName("store_bytes")] long StoreBytes,
    [property: JsonPropertyName("oldest")] string? Oldest,
    [property: JsonPropertyName("newest")] string? Newest)
{
    /// <summary>The limits in force and what the purge (and archiving) did; null when the store is read-only.</summary>
    [JsonPropertyName("retention")]
    public RetentionStatus? Retention { get; init; }

    /// <summary>True when <c>serve --db</c> opened an archive: nothing is ingested or purged.</summary>
    [JsonPropertyName("read_only")]
    public bool ReadOnly { get; init; }
}
