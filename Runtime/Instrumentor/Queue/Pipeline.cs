using System;
using System.IO;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;

namespace Instrumentor;

/// <summary>
/// One running tracing pipeline: the dual queue (with its overflow and spool), the batch writer and its sink.
/// Created at the first monitored call (or by <see cref="Monitoring"/>), ended by <see cref="Shutdown"/>.
/// </summary>
internal sealed class Pipeline
{
    private readonly PipelineCounters _counters = new();
    private readonly WriterSignal _signal = new();
    private readonly DualQueue _queue;
    private readonly BatchWriter _writer;
    private readonly ISpanSink? _sink;
    private readonly SpoolFile? _spool;
    private readonly SpoolBarriers _spoolBarriers = new();
    private readonly Spooler? _spooler;
    private int _stopped;

    internal Pipeline(MonitoringOptions options, ISpanSink? sink)
    {
        Options = options;
        _sink = sink;
        _queue = new DualQueue(options, _counters, _signal);
        SpoolReplay? replay = null;
        // Without a store, spilled records could never be replayed: no spool then.
        if (options.OverflowPolicy == OverflowPolicy.Spill && sink is not null)
        {
            _spool = OpenSpool(options.EffectiveSpoolPath);
        }

        if (_spool is not null)
        {
            replay = new SpoolReplay(_spool, _spoolBarriers, _counters);
            _spooler = new Spooler(_queue, _spool, _spoolBarriers, _counters, options);
            _queue.Spooler = _spooler;
            _spooler.Start();
        }

        _writer = new BatchWriter(_queue, sink, _counters, _signal, options, replay);
        if (_spooler is not null)
        {
            _writer.SpillAtShutdown = record => _spooler.Spill(record);
        }

        InstrumentorMetrics.EnsureCreated();
        _writer.Start();
    }

    internal MonitoringOptions Options { get; }

    /// <summary>Creates the pipeline described by <paramref name="options"/> (the SQLite store, if a path is set).</summary>
    internal static Pipeline Create(MonitoringOptions options)
    {
        ISpanSink? sink = options.DatabasePath is null ? null : new SqliteSpanSink(options.DatabasePath, options.ServiceName);
        return new Pipeline(options, sink);
    }

    /// <summary>Adds a finished span; never blocks (except policy Block), never throws.</summary>
    internal void Enqueue(ref SpanRecord record) => _queue.Enqueue(ref record);

    /// <summary>Completes when everything enqueued before the call is committed; <see langword="false"/> on timeout.</summary>
    internal async Task<bool> FlushAsync(TimeSpan timeout)
    {
        var barrier = new FlushBarrier(paths: _queue.UsesOverflow ? 3 : 2);
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
    /// Stops accepting records, writes what is queued within <paramref name="timeout"/>, saves what could not be
    /// written to the spool (replayed at the next start), closes the sink. Returns <see langword="true"/> when
    /// nothing was lost.
    /// </summary>
    internal bool Shutdown(TimeSpan timeout)
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            return true;
        }

        _queue.Complete();
        _spooler?.Stop();
        bool writerEnded = _writer.Stop(timeout);
        if (!writerEnded)
        {
            // The writer is stuck in a commit (a locked database): it is a background thread and will not hold
            // the process; what it holds is reported as lost.
            SelfDiagnostics.Error("the trace writer did not finish within the shutdown budget; queued records are lost.");
            return false;
        }

        (long saved, long lost) = SaveRemaining();
        _spoolBarriers.AbandonAll();
        CloseSpool();
        _sink?.Dispose();
        _signal.Dispose();
        if (saved > 0)
        {
            SelfDiagnostics.Warning($"{saved} trace records were saved to the spool file at shutdown; they will be written at the next start.");
        }

        if (lost > 0)
        {
            SelfDiagnostics.Error($"{lost} trace records were still queued at shutdown and are lost.");
        }

        return Stats.Dropped == 0;
    }

    /// <summary>The exact counters of this pipeline.</summary>
    internal MonitoringStats Stats
    {
        get
        {
            long droppedAtEnqueue = Volatile.Read(ref _counters.DroppedAtEnqueue);
            long droppedBySpooler = Volatile.Read(ref _counters.DroppedBySpooler);
            long dropped = droppedAtEnqueue + droppedBySpooler + Volatile.Read(ref _counters.DroppedByWriter);
            long written = Volatile.Read(ref _counters.Written);
            long enqueued = Volatile.Read(ref _counters.Dequeued) + Volatile.Read(ref _counters.Spilled) + droppedBySpooler
                + Math.Max(0, _queue.Depth) + droppedAtEnqueue;
            return new MonitoringStats
            {
                Enqueued = enqueued,
                Written = written,
                Errors = Volatile.Read(ref _counters.Errors),
                Dropped = dropped,
                Overflowed = Volatile.Read(ref _counters.Overflowed),
                Recovered = Volatile.Read(ref _counters.Recovered),
                Spilled = Volatile.Read(ref _counters.Spilled),
                Replayed = Volatile.Read(ref _counters.Replayed),
                ReplayedFromEarlierRuns = Volatile.Read(ref _counters.ReplayedFromEarlierRuns),
                QueueDepth = Math.Max(0, enqueued - written - dropped),
                FailedBatches = Volatile.Read(ref _counters.FailedBatches),
                WriteLagSeconds = Volatile.Read(ref _counters.LastWriteLagMicroseconds) / 1_000_000.0,
            };
        }
    }

    private static SpoolFile? OpenSpool(string path)
    {
        try
        {
            return SpoolFile.Open(path);
        }
        catch (Exception ex)
        {
            SelfDiagnostics.Error($"cannot open the spool file '{path}': {ex.Message} Records that overflow memory will be dropped (and counted).");
            return null;
        }
    }

    /// <summary>What the writer did not take: to the spool if possible, else counted as lost.</summary>
    private (long Saved, long Lost) SaveRemaining()
    {
        long saved = 0;
        long lost = 0;
        while (_queue.Errors.TryRead(out SpanRecord record))
        {
            Save(record, ref saved, ref lost);
        }

        // A producer that claimed a slot before the close publishes it within instructions; allow it a moment.
        while (_queue.Normal.TryDequeueClosed(out SpanRecord record, TimeSpan.FromMilliseconds(100)))
        {
            Save(record, ref saved, ref lost);
        }

        while (_queue.Overflow.TryDequeue(out SpanRecord record))
        {
            Save(record, ref saved, ref lost);
        }

        return (saved, lost);
    }

    private void Save(in SpanRecord record, ref long saved, ref long lost)
    {
        if (record.IsBarrier)
        {
            _queue.BarrierDequeued();
            record.Barrier!.Abandon();
            return;
        }

        try
        {
            if (_spooler is not null && _spooler.Spill(record))
            {
                saved++;
                return;
            }
        }
        catch (Exception)
        {
            // Counted as lost below.
        }

        lost++;
        Interlocked.Increment(ref _counters.Dequeued);
        Interlocked.Increment(ref _counters.DroppedByWriter);
    }

    private void CloseSpool()
    {
        if (_spool is null)
        {
            return;
        }

        bool empty = _spool.Length <= SpoolFile.HeaderSize;
        _spool.Dispose();
        if (empty)
        {
            try
            {
                File.Delete(_spool.Path);
            }
            catch (IOException)
            {
                // A leftover empty spool is harmless.
            }
        }
    }
}
