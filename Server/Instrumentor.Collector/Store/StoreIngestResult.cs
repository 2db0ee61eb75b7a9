namespace Instrumentor.Collector.Store;

/// <summary>What a committed batch did: new rows, and spans that were already stored.</summary>
internal readonly record struct StoreIngestResult(int Accepted, int Duplicates);
