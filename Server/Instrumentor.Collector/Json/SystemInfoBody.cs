using System.Text.Json.Serialization;

namespace Instrumentor.Collector.Json;

/// <summary>The sender's identity (DESIGN.md §7, <c>SYSTEM_INFO</c>); <c>system_name</c> is the service.</summary>
internal sealed class SystemInfoBody
{
    [JsonPropertyName("system_name")] public string? SystemName { get; set; }
    [JsonPropertyName("system_id")] public string? SystemId { get; set; }
    [JsonPropertyName("system_instance_id")] public string? SystemInstanceId { get; set; }
}
