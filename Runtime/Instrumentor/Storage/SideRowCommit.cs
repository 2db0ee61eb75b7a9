namespace Instrumentor;

/// <summary>A transaction of the span writer that committed side rows: its number on that store and the spans it held.</summary>
/// <param name="Transaction">The writer's count of committed transactions on its store, this one included.</param>
/// <param name="Spans">The spans committed in the same transaction.</param>
/// <param name="Items">The queued items of this source it took (rows and markers such as flushes).</param>
internal readonly record struct SideRowCommit(long Transaction, int Spans, int Items);
