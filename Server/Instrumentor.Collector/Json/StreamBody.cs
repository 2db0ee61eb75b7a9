using System.Text.Json.Serialization;

namespace Instrumentor.Collector.Json;

/// <summary>The body of <c>POST /v1/uploads/stream</c>: one span.</summary>
internal sealed class StreamBody
{
    [JsonPropertyName("event")] public IngestEvent? Event { get; set; }
    [JsonPropertyName("system_info")] public SystemInfoBody? SystemInfo { get; set; }
}
