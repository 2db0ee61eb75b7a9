using System.Threading;
using System.Threading.Channels;

namespace Instrumentor;

/// <summary>
/// The error-first dual queue: an unbounded channel for error records (never drops) and a bounded channel for
/// the rest. The producer never blocks and never throws: a full normal queue drops the record and counts it.
/// </summary>
internal sealed class DualQueue
{
    // SingleReader = false although one writer reads: only the multi-reader unbounded channel can Count.
    private readonly Channel<SpanRecord> _errors = Channel.CreateUnbounded<SpanRecord>(
        new UnboundedChannelOptions { SingleReader = false, SingleWriter = false, AllowSynchronousContinuations = false });

    private readonly Channel<SpanRecord> _normal;
    private readonly PipelineCounters _counters;
    private readonly WriterSignal _signal;
    private readonly OverflowPolicy _policy;
    private long _barriersQueued;

    internal DualQueue(MonitoringOptions options, PipelineCounters counters, WriterSignal signal)
    {
        _policy = options.OverflowPolicy;
        Overflow = new OverflowQueue(options.OverflowCapacity);
        _normal = Channel.CreateBounded<SpanRecord>(new BoundedChannelOptions(options.QueueCapacity)
        {
            SingleReader = true,
            SingleWriter = false,
            FullMode = BoundedChannelFullMode.Wait,
            AllowSynchronousContinuations = false,
        });
        _counters = counters;
        _signal = signal;
    }

    internal ChannelReader<SpanRecord> Errors => _errors.Reader;

    internal ChannelReader<SpanRecord> Normal => _normal.Reader;

    /// <summary>Normal records that did not fit in the channel (policy Spill).</summary>
    internal OverflowQueue Overflow { get; }

    /// <summary>Moves overflow beyond capacity to disk; set by the pipeline when a spool is available.</summary>
    internal Spooler? Spooler { get; set; }

    /// <summary>Whether a flush barrier must also travel through the overflow queue.</summary>
    internal bool UsesOverflow => _policy == OverflowPolicy.Spill;

    /// <summary>Records waiting in memory (channels and overflow), flush barriers excluded.</summary>
    internal long Depth => _errors.Reader.Count + _normal.Reader.Count + Overflow.Count - Volatile.Read(ref _barriersQueued);

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
        else if (!_normal.Writer.TryWrite(record))
        {
            EnqueueWhenFull(ref record);
        }

        _signal.WakeIfSleeping();
    }

    private void EnqueueWhenFull(ref SpanRecord record)
    {
        switch (_policy)
        {
            // Without a spool file (it could not be opened) the overflow queue is capped at its capacity.
            case OverflowPolicy.Spill when (Spooler is not null || Overflow.Count < Overflow.Capacity) && Overflow.TryEnqueue(record):
                Interlocked.Increment(ref _counters.Overflowed);
                if (Overflow.IsOverCapacity)
                {
                    Spooler?.Wake();
                }

                return;
            case OverflowPolicy.Block:
                try
                {
                    _normal.Writer.WriteAsync(record).AsTask().GetAwaiter().GetResult();
                    return;
                }
                catch (ChannelClosedException)
                {
                    break;
                }
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
        try
        {
            await _normal.Writer.WriteAsync(marker, cancellationToken).ConfigureAwait(false);
        }
        catch (System.Exception)
        {
            Interlocked.Decrement(ref _barriersQueued);
            return false;
        }

        _signal.WakeIfSleeping();
        return true;
    }

    /// <summary>Called by the writer for each barrier it takes off a queue.</summary>
    internal void BarrierDequeued() => Interlocked.Decrement(ref _barriersQueued);

    /// <summary>Refuses new records (they are counted as dropped); what is queued can still be read.</summary>
    internal void Complete()
    {
        _errors.Writer.TryComplete();
        _normal.Writer.TryComplete();
        Overflow.Close();
    }
}
