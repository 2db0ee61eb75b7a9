namespace Instrumentor.Collector.Store;

/// <summary>Totals of a store at one moment (oldest and newest start as store text; null when the store is empty).</summary>
internal readonly record struct StoreFacts(long SpansTotal, string? Oldest, string? Newest, long RecentSpans, long RecentErrors);
