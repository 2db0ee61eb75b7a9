using System.Text.Json.Serialization;

namespace Instrumentor.Export;

/// <summary>The body of <c>POST /v1/uploads/stream</c>: one span.</summary>
internal sealed class WireStream
{
    [JsonPropertyName("event")] public required WireEvent Event { get; init; }
    [JsonPropertyName("system_info")] public required WireSystemInfo SystemInfo { get; init; }
}
