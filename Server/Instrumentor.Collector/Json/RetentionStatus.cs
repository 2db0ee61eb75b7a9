using System.Text.Json.Serialization;

namespace Instrumentor.Collector.Json;

/// <summary>
/// The <c>retention</c> part of <c>GET /api/status</c>: the limits in force and what the purge did. Times are ISO 8601
/// UTC; <c>purged_unarchived</c> counts spans a size limit forced out that no archive holds (the archive could not be
/// written, e.g. a full disk).
/// </summary>
internal sealed record RetentionStatus(
    [property: JsonPropertyName("max_age_seconds")] double? MaxAgeSeconds,
    [property: JsonPropertyName("max_bytes")] long? MaxBytes,
    [property: JsonPropertyName("interval_seconds")] double IntervalSeconds,
    [property: JsonPropertyName("over_limit")] bool OverLimit,
    [property: JsonPropertyName("last_run")] string? LastRun,
    [property: JsonPropertyName("last_purged")] long LastPurged,
    [property: JsonPropertyName("purged_total")] long PurgedTotal,
    [property: JsonPropertyName("purged_unarchived")] long PurgedUnarchived,
    [property: JsonPropertyName("last_error")] string? LastError,
    [property: JsonPropertyName("archive")] ArchiveStatus? Archive);
