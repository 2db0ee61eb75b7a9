namespace Instrumentor.Collector.Archive;

/// <summary>One archive written: its path, size, the spans it holds and the highest span id among them (every span
/// of the store with an id up to it is in the archive, so the purge may delete it).</summary>
internal sealed record ArchiveResult(string Path, long Bytes, long Spans, long ThroughSpanId, string CreatedAt);
