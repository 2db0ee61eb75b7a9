using System.Text.Json.Serialization;

namespace Instrumentor.Collector.Json;

/// <summary>The declaration of a span's method, as the generator recorded it in the site descriptor.</summary>
internal sealed record SourceLocation(
    [property: JsonPropertyName("file")] string? File,
    [property: JsonPropertyName("line")] int? Line,
    [property: JsonPropertyName("signature")] string? Signature);
