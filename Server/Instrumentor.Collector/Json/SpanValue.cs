using System.Text.Json.Serialization;

namespace Instrumentor.Collector.Json;

/// <summary>One captured value of a stored span, in the shape it was sent.</summary>
internal sealed record SpanValue(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("value")] string? Value);
