namespace Instrumentor;

/// <summary>
/// A snapshot of the pipeline's counters. They are exact: every record is counted as written, dropped or still
/// queued, so after a flush <c>Enqueued == Written + Rejected + Dropped</c>.
/// </summary>
public readonly record struct MonitoringStats
{
    /// <summary>Records produced by monitored calls (errors included).</summary>
    public long Enqueued { get; init; }

    /// <summary>Records committed to the store.</summary>
    public long Written { get; init; }

    /// <summary>Error records produced (a subset of <see cref="Enqueued"/>).</summary>
    public long Errors { get; init; }

    /// <summary>Records lost, each counted: queue full, store unusable at shutdown, or produced after shutdown.</summary>
    public long Dropped { get; init; }

    /// <summary>Normal records that did not fit in the bounded queue and went to the overflow queue.</summary>
    public long Overflowed { get; init; }

    /// <summary>
    /// Records the store rejected on their own (a batch that failed for its content is bisected to find them); each is
    /// saved to the <c>*.rejected</c> file next to the database instead of being retried forever. After a flush
    /// <c>Enqueued == Written + Rejected + Dropped</c>.
    /// </summary>
    public long Rejected { get; init; }

    /// <summary>Overflowed records written straight from memory.</summary>
    public long Recovered { get; init; }

    /// <summary>Overflowed records written to the spool file (replayed later).</summary>
    public long Spilled { get; init; }

    /// <summary>Records committed from the spool file, including those an earlier run spilled.</summary>
    public long Replayed { get; init; }

    /// <summary>The part of <see cref="Replayed"/> spilled by an earlier run (not counted in <see cref="Enqueued"/>).</summary>
    public long ReplayedFromEarlierRuns { get; init; }

    /// <summary>Records waiting to be written now: in memory, in the writer's hands, or in the spool file.</summary>
    public long QueueDepth { get; init; }

    /// <summary>Failed attempts to commit a batch (or a part of one, while bisecting a rejected batch); each was retried or split.</summary>
    public long FailedBatches { get; init; }

    /// <summary>Seconds between the oldest record of the last batch being produced and its commit.</summary>
    public double WriteLagSeconds { get; init; }

    /// <summary>Spans the HTTP exporters got acknowledged by the collector (2xx; duplicates it already had included).</summary>
    public long ExportSent { get; init; }

    /// <summary>Export requests that failed after their retries, or met an open circuit; their spans stay in the store.</summary>
    public long ExportFailed { get; init; }

    /// <summary>Retried export requests (each attempt after the first).</summary>
    public long ExportRetried { get; init; }

    /// <summary>Spans the collector refused as bad input (400/413, found by bisecting), set aside in <c>&lt;db&gt;.export-rejected</c>.</summary>
    public long ExportRejected { get; init; }

    /// <summary>Committed spans the exporters have not had acknowledged yet (as of their last look at the store).</summary>
    public long ExportBacklog { get; init; }

    /// <summary>Whether an exporter's circuit is open or half-open (the collector failed repeatedly).</summary>
    public bool ExportCircuitOpen { get; init; }
}
