namespace Instrumentor;

/// <summary>What <see cref="SqliteSpanSink.Ingest"/> did with a batch.</summary>
/// <param name="Accepted">Spans stored by this call.</param>
/// <param name="Duplicates">Spans not stored because the store already had them (or the whole batch id).</param>
internal readonly record struct IngestResult(int Accepted, int Duplicates);
