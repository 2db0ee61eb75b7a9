using System.Collections.Generic;
using System.Text.Json.Serialization;

namespace Instrumentor.Collector.Json;

/// <summary>The body of <c>POST /v1/uploads</c>: a batch of spans, optionally named by a client-chosen id.</summary>
internal sealed class BatchBody
{
    [JsonPropertyName("batch_id")] public string? BatchId { get; set; }
    [JsonPropertyName("events")] public List<IngestEvent?>? Events { get; set; }
    [JsonPropertyName("system_info")] public SystemInfoBody? SystemInfo { get; set; }
}
