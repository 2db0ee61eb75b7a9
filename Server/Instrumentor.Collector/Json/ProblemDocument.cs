using System.Text.Json.Serialization;

namespace Instrumentor.Collector.Json;

/// <summary>
/// An RFC 7807 problem (<c>application/problem+json</c>). <c>path</c> is the JSON path of the faulty value in the
/// body (<c>$.events[3].trace_id</c>) or the query parameter at fault (<c>?from</c>).
/// </summary>
internal sealed record ProblemDocument(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("title")] string Title,
    [property: JsonPropertyName("status")] int Status,
    [property: JsonPropertyName("detail")] string Detail,
    [property: JsonPropertyName("path")] string? Path);
