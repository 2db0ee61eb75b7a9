using System.Text.Json.Serialization;

namespace Instrumentor.Collector.Json;

/// <summary>
/// The answer to <c>POST /api/ingest</c>: lines stored, and lines of a batch id already committed (stored before,
/// not again). <c>duplicates</c> is left out when 0, so the usual answer is the contract's <c>{"ingested":N}</c>.
/// </summary>
internal sealed record LogIngestAnswer(
    [property: JsonPropertyName("ingested")] int Ingested,
    [property: JsonPropertyName("duplicates"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] int Duplicates);
