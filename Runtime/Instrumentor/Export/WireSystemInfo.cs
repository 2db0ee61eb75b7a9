using System.Text.Json.Serialization;

namespace Instrumentor.Export;

/// <summary>The <c>system_info</c> of a request: which service and instance its spans come from.</summary>
internal sealed record WireSystemInfo
{
    [JsonPropertyName("system_name")] public required string SystemName { get; init; }
    [JsonPropertyName("system_id")] public string? SystemId { get; init; }
    [JsonPropertyName("system_instance_id")] public string? SystemInstanceId { get; init; }
}
