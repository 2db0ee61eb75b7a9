using System.Threading;
using System.Threading.Channels;

namespace Instrumentor;

/// <summary>
/// The error-first dual queue: an unbounded channel for error records (never drops) and a bounded lock-free ring
/// for the rest (<see cref="RecordRing"/>). The producer never blocks and never throws: when the ring is full the
/// record goes to the overflow queue (policy Spill), or is dropped and counted (DropNewest), or waits (Block).
/// </summary>
internal sealed class DualQueue
{
    // SingleReader = false although one writer reads: only the multi-reader unbounded channel can Count.
    private readonly Channel<SpanRecord> _errors = Channel.CreateUnbounded<SpanRecord>(
        new UnboundedChannelOptions { SingleReader = false, SingleWriter = false, AllowSynchronousContinuations = false });

    private readonly RecordRing _normal;
    private readonly PipelineCounters _counters;
    private readonly WriterSignal _signal;
    private readonly OverflowPolicy _policy;
    private long _barriersQueued;

    internal DualQueue(MonitoringOptions options, PipelineCounters counters, WriterSignal signal)
    {
        _policy = options.OverflowPolicy;
        Overflow = new OverflowQueue(options.OverflowCapacity);
        _normal = new RecordRing(options.QueueCapacity);
        _counters = counters;
        _signal = signal;
    }

    internal ChannelReader<SpanRecord> Errors => _errors.Reader;

    /// <summary>The normal records; only the writer (or, once it ended, the pipeline) takes from it.</summary>
    internal RecordRing Normal => _normal;

    /// <summary>Normal records that did not fit in the ring (policy Spill).</summary>
    internal OverflowQueue Overflow { get; }

    /// <summary>Moves overflow beyond capacity to disk; set by the pipeline when a spool is available.</summary>
    internal Spooler? Spooler { get; set; }

    /// <summary>Whether a flush barrier must also travel through the overflow queue.</summary>
    internal bool UsesOverflow => _policy == OverflowPolicy.Spill;

    /// <summary>Records waiting in memory (channels and overflow), flush barriers excluded.</summary>
    internal long Depth => _errors.Reader.Count + _normal.Count + Overflow.Count - Volatile.Read(ref _barriersQueued);

    /// <summary>Adds a record; never blocks, never throws.</summary>
    internal void Enqueue(ref SpanRecord record)
    {
        if (record.Status == SpanStatus.Error)
        {
            Interlocked.Increment(ref _counters.Errors);
            if (!_errors.Writer.TryWrite(record))
            {
                Interlocked.Increment(ref _counters.DroppedAtEnqueue); // only after shutdown
            }
        }
        else
        {
            RecordRing.EnqueueResult result = _normal.TryEnqueue(record);
            if (result != RecordRing.EnqueueResult.Enqueued)
            {
                EnqueueWhenFull(ref record, result);
            }
        }

        _signal.WakeIfSleeping();
    }

    private void EnqueueWhenFull(ref SpanRecord record, RecordRing.EnqueueResult result)
    {
        switch (result == RecordRing.EnqueueResult.Closed ? OverflowPolicy.DropNewest : _policy)
        {
            // The spool is at its size limit and the overflow queue already holds its share: the spooler would only
            // drop this record (counted) after it sat in memory. Dropping it here keeps the memory bounded: a
            // producer that outruns the store by far (a fully monitored test suite) otherwise grew the overflow
            // queue by gigabytes, and paid for it on its own thread (segment allocations, page faults).
            case OverflowPolicy.Spill when Spooler is { AtLimit: true } && Overflow.IsOverCapacity:
                break;
            // Without a spool file (it could not be opened) the overflow queue is capped at its capacity.
            case OverflowPolicy.Spill when (Spooler is not null || Overflow.Count < Overflow.Capacity) && Overflow.TryEnqueue(record):
                Interlocked.Increment(ref _counters.Overflowed);
                if (Overflow.IsOverCapacity)
                {
                    Spooler?.Wake();
                }

                return;
            case OverflowPolicy.Block:
                if (EnqueueWaiting(record))
                {
                    return;
                }

                break;
        }

        Interlocked.Increment(ref _counters.DroppedAtEnqueue);
    }

    /// <summary>Sends <paramref name="barrier"/> down both queues (waiting for room in the normal one).</summary>
    internal async System.Threading.Tasks.ValueTask<bool> EnqueueBarrierAsync(FlushBarrier barrier, CancellationToken cancellationToken)
    {
        var marker = new SpanRecord { Barrier = barrier };
        Interlocked.Add(ref _barriersQueued, 2);
        if (!_errors.Writer.TryWrite(marker))
        {
            Interlocked.Add(ref _barriersQueued, -2);
            return false;
        }

        if (UsesOverflow)
        {
            Interlocked.Increment(ref _barriersQueued);
            if (!Overflow.TryEnqueue(marker))
            {
                Interlocked.Decrement(ref _barriersQueued);
                barrier.PathPassed(); // closed and empty of new records: nothing to wait for on this path
            }
        }

        _signal.WakeIfSleeping();
        while (true)
        {
            RecordRing.EnqueueResult result = _normal.TryEnqueue(marker);
            if (result == RecordRing.EnqueueResult.Enqueued)
            {
                break;
            }

            if (result == RecordRing.EnqueueResult.Closed || cancellationToken.IsCancellationRequested)
            {
                Interlocked.Decrement(ref _barriersQueued);
                return false;
            }

            // The ring is full and the writer is draining it: wait for room (a flush must not overtake records).
            _signal.Wake();
            try
            {
                await System.Threading.Tasks.Task.Delay(1, cancellationToken).ConfigureAwait(false);
            }
            catch (System.OperationCanceledException)
            {
                Interlocked.Decrement(ref _barriersQueued);
                return false;
            }
        }

        _signal.WakeIfSleeping();
        return true;
    }

    /// <summary>Policy Block (tests only): waits for room in the ring; <see langword="false"/> once it is closed.</summary>
    private bool EnqueueWaiting(in SpanRecord record)
    {
        var wait = new SpinWait();
        while (true)
        {
            RecordRing.EnqueueResult result = _normal.TryEnqueue(record);
            if (result != RecordRing.EnqueueResult.Full)
            {
                return result == RecordRing.EnqueueResult.Enqueued;
            }

            _signal.Wake();
            wait.SpinOnce(sleep1Threshold: 20);
        }
    }

    /// <summary>Called by the writer for each barrier it takes off a queue.</summary>
    internal void BarrierDequeued() => Interlocked.Decrement(ref _barriersQueued);

    /// <summary>Refuses new records (they are counted as dropped); what is queued can still be read.</summary>
    internal void Complete()
    {
        _errors.Writer.TryComplete();
        _normal.Close();
        Overflow.Close();
    }
}
