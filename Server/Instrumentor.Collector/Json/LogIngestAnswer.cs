using System.Text.Json.Serialization;

namespace Instrumentor.Collector.Json;

/// <summary>The answer to <c>POST /api/ingest</c>.</summary>
internal sealed record LogIngestAnswer([property: JsonPropertyName("ingested")] int Ingested);
