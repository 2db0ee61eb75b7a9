using System.Collections.Generic;
using System.Threading;
using Instrumentor.Collector.Store;

namespace Instrumentor.Collector.Tests.Infrastructure;

/// <summary>A store whose span writes wait until the test opens the gate (to fill the writer's queue on purpose).</summary>
internal sealed class GatedStore(ITraceStore inner) : ITraceStore
{
    public ManualResetEventSlim Gate { get; } = new(false);

    public ManualResetEventSlim Entered { get; } = new(false);

    public string Location => inner.Location;

    public ITraceQueries Queries => inner.Queries;

    public StoreIngestResult WriteSpans(SpanBatch batch)
    {
        Entered.Set();
        Gate.Wait();
        return inner.WriteSpans(batch);
    }

    public ILogQueries LogQueries => inner.LogQueries;

    public StoreIngestResult WriteLogs(IReadOnlyList<LogEntry> logs, string? batchId) => inner.WriteLogs(logs, batchId);

    public int PurgeOlderThan(long cutoffUnixMicroseconds, int limit) => inner.PurgeOlderThan(cutoffUnixMicroseconds, limit);

    public int PurgeOldest(int limit) => inner.PurgeOldest(limit);

    public int PurgeArchived(long? cutoffUnixMicroseconds, long throughSpanId, int limit) => inner.PurgeArchived(cutoffUnixMicroseconds, throughSpanId, limit);

    public long? OldestSpanId() => inner.OldestSpanId();

    public void ReleaseFreePages(int maxPages) => inner.ReleaseFreePages(maxPages);

    public long SizeBytes() => inner.SizeBytes();

    public long UsedBytes() => inner.UsedBytes();

    public long SpanCount() => inner.SpanCount();

    public void Dispose()
    {
        Gate.Set();
        inner.Dispose();
    }
}
