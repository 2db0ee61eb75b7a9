using System;
using System.Threading;
using System.Threading.Tasks;

namespace Instrumentor;

/// <summary>
/// One running tracing pipeline: the dual queue, the batch writer and its sink. Created at the first monitored
/// call (or by <see cref="Monitoring"/>), ended by <see cref="Shutdown"/>.
/// </summary>
internal sealed class Pipeline
{
    private readonly PipelineCounters _counters = new();
    private readonly WriterSignal _signal = new();
    private readonly DualQueue _queue;
    private readonly BatchWriter _writer;
    private readonly ISpanSink? _sink;
    private int _stopped;

    internal Pipeline(MonitoringOptions options, ISpanSink? sink)
    {
        Options = options;
        _sink = sink;
        _queue = new DualQueue(options.QueueCapacity, _counters, _signal);
        _writer = new BatchWriter(_queue, sink, _counters, _signal, options);
        _writer.Start();
    }

    internal MonitoringOptions Options { get; }

    internal bool IsStopped => Volatile.Read(ref _stopped) != 0;

    /// <summary>Creates the pipeline described by <paramref name="options"/> (the SQLite store, if a path is set).</summary>
    internal static Pipeline Create(MonitoringOptions options)
    {
        ISpanSink? sink = options.DatabasePath is null ? null : new SqliteSpanSink(options.DatabasePath, options.ServiceName);
        return new Pipeline(options, sink);
    }

    /// <summary>Adds a finished span; never blocks, never throws.</summary>
    internal void Enqueue(ref SpanRecord record) => _queue.Enqueue(ref record);

    /// <summary>Completes when everything enqueued before the call is committed; <see langword="false"/> on timeout.</summary>
    internal async Task<bool> FlushAsync(TimeSpan timeout)
    {
        var barrier = new FlushBarrier(paths: 2);
        using var cancellation = new CancellationTokenSource(timeout);
        if (!await _queue.EnqueueBarrierAsync(barrier, cancellation.Token).ConfigureAwait(false))
        {
            return false;
        }

        try
        {
            return await barrier.Completion.WaitAsync(cancellation.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>
    /// Stops accepting records, writes what is queued within <paramref name="timeout"/>, closes the sink.
    /// Returns <see langword="true"/> when nothing was lost.
    /// </summary>
    internal bool Shutdown(TimeSpan timeout)
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            return true;
        }

        _queue.Complete();
        bool writerEnded = _writer.Stop(timeout);
        if (!writerEnded)
        {
            // The writer is stuck in a commit (a locked database): it is a background thread and will not hold
            // the process; what it holds is reported as lost.
            SelfDiagnostics.Error("the trace writer did not finish within the shutdown budget; queued records are lost.");
            return false;
        }

        long lost = DiscardRemaining();
        _sink?.Dispose();
        _signal.Dispose();
        if (lost > 0)
        {
            SelfDiagnostics.Error($"{lost} trace records were still queued at shutdown and are lost.");
        }

        MonitoringStats stats = Stats;
        return stats.Dropped == 0 && lost == 0;
    }

    /// <summary>The exact counters of this pipeline.</summary>
    internal MonitoringStats Stats
    {
        get
        {
            long dropped = Volatile.Read(ref _counters.DroppedAtEnqueue) + Volatile.Read(ref _counters.DroppedByWriter);
            long written = Volatile.Read(ref _counters.Written);
            long enqueued = Volatile.Read(ref _counters.Dequeued) + Math.Max(0, _queue.Depth) + Volatile.Read(ref _counters.DroppedAtEnqueue);
            return new MonitoringStats
            {
                Enqueued = enqueued,
                Written = written,
                Errors = Volatile.Read(ref _counters.Errors),
                Dropped = dropped,
                QueueDepth = Math.Max(0, enqueued - written - dropped),
                FailedBatches = Volatile.Read(ref _counters.FailedBatches),
                WriteLagSeconds = Volatile.Read(ref _counters.LastWriteLagMicroseconds) / 1_000_000.0,
            };
        }
    }

    private long DiscardRemaining()
    {
        long lost = 0;
        lost += Discard(_queue.Errors);
        lost += Discard(_queue.Normal);
        Interlocked.Add(ref _counters.Dequeued, lost);
        Interlocked.Add(ref _counters.DroppedByWriter, lost);
        return lost;
    }

    private long Discard(System.Threading.Channels.ChannelReader<SpanRecord> reader)
    {
        long lost = 0;
        while (reader.TryRead(out SpanRecord record))
        {
            if (record.IsBarrier)
            {
                _queue.BarrierDequeued();
                record.Barrier!.Abandon();
            }
            else
            {
                lost++;
            }
        }

        return lost;
    }
}
