using System.Collections.Generic;
using System.Text.Json.Serialization;

namespace Instrumentor.Export;

/// <summary>The body of <c>POST /v1/uploads</c>. The batch id stays the same on every retry of the batch.</summary>
internal sealed class WireBatch
{
    [JsonPropertyName("batch_id")] public required string BatchId { get; init; }
    [JsonPropertyName("events")] public required IReadOnlyList<WireEvent> Events { get; init; }
    [JsonPropertyName("system_info")] public required WireSystemInfo SystemInfo { get; init; }
}
