using System.Text.Json.Serialization;

namespace Instrumentor.Collector.Json;

/// <summary>The answer to a span upload: rows committed, and spans (or a whole batch) already stored before.</summary>
internal sealed record IngestAnswer(
    [property: JsonPropertyName("accepted")] int Accepted,
    [property: JsonPropertyName("duplicates")] int Duplicates);
