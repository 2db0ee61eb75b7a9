namespace Instrumentor.Logging;

/// <summary>The collector's answer to a batch of lines: <c>{"ingested": N}</c> (and <c>duplicates</c> for a batch id it had already stored).</summary>
/// <param name="Ingested">Lines stored.</param>
/// <param name="Duplicates">Lines not stored again because their batch was already stored.</param>
public readonly record struct LogIngestResult(int Ingested, int Duplicates);
