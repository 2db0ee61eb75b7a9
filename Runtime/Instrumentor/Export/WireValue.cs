using System.Text.Json.Serialization;

namespace Instrumentor.Export;

/// <summary>One captured value of a <see cref="WireEvent"/>: <c>INPUT</c> (a parameter) or <c>OUTPUT</c> (the result).</summary>
internal sealed class WireValue
{
    [JsonPropertyName("name")] public required string Name { get; init; }
    [JsonPropertyName("type")] public required string Type { get; init; }
    [JsonPropertyName("value")] public string? Value { get; init; }
}
