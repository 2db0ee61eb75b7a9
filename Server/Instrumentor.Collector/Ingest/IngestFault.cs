namespace Instrumentor.Collector.Ingest;

/// <summary>Why a body was refused: the JSON path of the faulty value and what is wrong with it.</summary>
internal sealed record IngestFault(string Path, string Message);
