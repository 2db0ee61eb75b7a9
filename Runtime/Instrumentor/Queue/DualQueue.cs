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
    private long _barriersQueued;

    internal DualQueue(int capacity, PipelineCounters counters, WriterSignal signal)
    {
        _normal = Channel.CreateBounded<SpanRecord>(new BoundedChannelOptions(capacity)
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

    /// <summary>Records waiting in both queues, flush barriers excluded.</summary>
    internal long Depth => _errors.Reader.Count + _normal.Reader.Count - Volatile.Read(ref _barriersQueued);

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
            Interlocked.Increment(ref _counters.DroppedAtEnqueue);
        }

        _signal.WakeIfSleeping();
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
    }
}
