namespace Instrumentor.Collector.Store;

/// <summary>Totals of a store at one moment (times in µs since the Unix epoch; null when the store is empty).</summary>
internal readonly record struct StoreFacts(long SpansTotal, long? OldestMicroseconds, long? NewestMicroseconds, long RecentSpans, long RecentErrors);
