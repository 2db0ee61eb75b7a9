using System.Text.Json.Serialization;

namespace Instrumentor.Collector.Json;

/// <summary>One captured value of an <see cref="IngestEvent"/>: a parameter (<c>INPUT</c>) or the result (<c>OUTPUT</c>).</summary>
internal sealed class IngestValue
{
    [JsonPropertyName("name")] public string? Name { get; set; }
    [JsonPropertyName("type")] public string? Type { get; set; }
    [JsonPropertyName("value")] public string? Value { get; set; }
}
