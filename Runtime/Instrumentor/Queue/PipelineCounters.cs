namespace Instrumentor;

/// <summary>
/// The exact counters of one pipeline, updated with Interlocked. The hot path touches none of them on the
/// normal (successful) path: "enqueued" is derived as dequeued + still queued + dropped at enqueue.
/// </summary>
internal sealed class PipelineCounters
{
    /// <summary>Records the writer took off the queues (barriers excluded).</summary>
    internal long Dequeued;
    internal long Written;
    internal long Errors;
    /// <summary>Refused by a full (or closed) queue.</summary>
    internal long DroppedAtEnqueue;
    /// <summary>Taken by the writer but never committed (no sink, or the sink still failed at shutdown).</summary>
    internal long DroppedByWriter;
    /// <summary>Taken off the overflow queue by the spooler but not written: the spool is at its size limit.</summary>
    internal long DroppedBySpooler;
    internal long FailedBatches;
    /// <summary>Records the store rejected on their own (found by bisecting their batch), saved to the rejected file.</summary>
    internal long Rejected;
    /// <summary>Normal records that went to the overflow queue because the channel was full.</summary>
    internal long Overflowed;
    /// <summary>Overflowed records taken back by the writer from memory.</summary>
    internal long Recovered;
    /// <summary>Overflowed records written to the spool file.</summary>
    internal long Spilled;
    /// <summary>Records committed from the spool file (this run's and earlier runs').</summary>
    internal long Replayed;
    /// <summary>The part of <see cref="Replayed"/> that an earlier run of the program had spilled.</summary>
    internal long ReplayedFromEarlierRuns;
    internal long LastWriteLagMicroseconds;
}
