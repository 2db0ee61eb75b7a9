using System.Text.Json.Serialization;

namespace Instrumentor.Collector.Json;

/// <summary>The archives of <c>serve --archive-dir</c>: where, how often, how many kept, the last one written.</summary>
internal sealed record ArchiveStatus(
    [property: JsonPropertyName("dir")] string Directory,
    [property: JsonPropertyName("every_seconds")] double EverySeconds,
    [property: JsonPropertyName("keep")] int? Keep,
    [property: JsonPropertyName("last_file")] string? LastFile,
    [property: JsonPropertyName("last_at")] string? LastAt,
    [property: JsonPropertyName("last_bytes")] long? LastBytes,
    [property: JsonPropertyName("through_span_id")] long ThroughSpanId,
    [property: JsonPropertyName("count")] int Count,
    [property: JsonPropertyName("last_error")] string? LastError);
