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
    internal long FailedBatches;
    internal long LastWriteLagMicroseconds;
}
