using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace Instrumentor;

/// <summary>
/// One running tracing pipeline: the dual queue (with its overflow and spool), the batch writer and its sink.
/// Created at the first monitored call (or by <see cref="Monitoring"/>), ended by <see cref="Shutdown(TimeSpan)"/>.
/// </summary>
/// <remarks>
/// The caller that creates it pays only for a few small objects and starting one thread: allocating the ring,
/// opening the spool and starting the writer and spooler happen on that thread (the SQLite file is opened and
/// migrated by the writer at its first write). Records that arrive before the queues are ready wait in a small
/// unbounded queue, moved to the real queues as soon as they exist; nothing waits for the start but a flush or
/// a shutdown.
/// </remarks>
internal sealed class Pipeline
{
    private readonly PipelineCounters _counters = new();
    private readonly WriterSignal _signal = new();
    private readonly ISpanSink? _sink;
    private readonly SpoolBarriers _spoolBarriers = new();
    private readonly ConcurrentQueue<SpanRecord> _early = new();
    private readonly object _earlyLock = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Thread _starter;
    private DualQueue? _queue;
    private BatchWriter? _writer;
    private SpoolFile? _spool;
    private Spooler? _spooler;
    private int _stopped;

    internal Pipeline(MonitoringOptions options, ISpanSink? sink)
        : this(options, sink, Array.Empty<Export.HttpExporter>())
    {
    }

    internal Pipeline(MonitoringOptions options, ISpanSink? sink, IReadOnlyList<Export.HttpExporter> exporters)
    {
        Options = options;
        _sink = sink;
        Exporters = exporters;
        _starter = new Thread(Start) { IsBackground = true, Name = "Instrumentor start" };
        _starter.Start();
    }

    internal MonitoringOptions Options { get; }

    /// <summary>The exporters reading committed spans from the store (each on its own worker, by its own cursor).</summary>
    internal IReadOnlyList<Export.HttpExporter> Exporters { get; }

    /// <summary>The managed thread that allocated the queues and opened the spool (tests: never the caller's).</summary>
    internal int StartedOnThreadId { get; private set; }

    /// <summary>Completes once the queues, the writer and the spooler are running.</summary>
    internal Task Ready => _ready.Task;

    /// <summary>The queues, once <see cref="Ready"/> (tests).</summary>
    internal DualQueue? Queue => Volatile.Read(ref _queue);

    /// <summary>
    /// Creates the pipeline described by <paramref name="options"/>: the SQLite store if a path is set, else the spool
    /// outbox if exporters are configured (else no sink), and the exporters reading what it commits.
    /// </summary>
    internal static Pipeline Create(MonitoringOptions options)
    {
        var exporters = new List<Export.HttpExporter>();
        IReadOnlyList<HttpExporterOptions> configured = options.Exporters();
        var names = new List<string>(configured.Count);
        foreach (HttpExporterOptions exporter in configured)
        {
            names.Add(exporter.EffectiveName);
        }

        ISpanSink? sink = null;
        if (options.DatabasePath is { } path)
        {
            // The store commits and acknowledges the queue; each exporter then reads what it committed (the outbox).
            // Retention keeps what an exporter has not sent yet.
            sink = new SqliteSpanSink(path, options.ServiceName) { ExportCursors = names, SideRows = new SideRowGroup(path) };
            foreach (HttpExporterOptions exporter in configured)
            {
                exporters.Add(new Export.HttpExporter(exporter, path, ProcessSystemInfo.For(options.ServiceName)));
            }
        }
        else if (configured.Count > 0)
        {
            // No store: the spool folder is the outbox, a segment kept until every exporter has it acknowledged.
            var outbox = new SpoolOutboxSink(options.EffectiveOutboxPath, options.ServiceName, names);
            sink = outbox;
            foreach (HttpExporterOptions exporter in configured)
            {
                exporters.Add(new Export.HttpExporter(exporter, new Export.SpoolOutbox(() => outbox.Outbox, exporter.EffectiveName, options.EffectiveOutboxPath)));
            }
        }

        return new Pipeline(options, sink, exporters);
    }

    /// <summary>Adds a finished span; never blocks (except policy Block), never throws.</summary>
    internal void Enqueue(ref SpanRecord record)
    {
        DualQueue? queue = _queue;
        if (queue is not null)
        {
            queue.Enqueue(ref record);
        }
        else
        {
            EnqueueEarly(ref record);
        }
    }

    /// <summary>Before the queues exist: keep the record for the starter to move (the lock orders it with the hand-over).</summary>
    private void EnqueueEarly(ref SpanRecord record)
    {
        if (Options.OverflowPolicy == OverflowPolicy.Block)
        {
            // Policy Block (tests only) makes the producer wait for room: it waits for the queues to exist too, so the
            // starter never has to block on a full ring while moving early records (nor hold up a shutdown doing so).
            _ready.Task.Wait();
        }

        lock (_earlyLock)
        {
            if (_queue is null)
            {
                if (Volatile.Read(ref _stopped) != 0)
                {
                    // Stopped without ever starting (the start failed): nothing will take it.
                    Interlocked.Increment(ref _counters.DroppedAtEnqueue);
                    return;
                }

                _early.Enqueue(record);
                return;
            }
        }

        _queue.Enqueue(ref record);
    }

    /// <summary>Builds and starts the queues, spool, spooler and writer; runs on the starter thread.</summary>
    private void Start()
    {
        try
        {
            StartedOnThreadId = Environment.CurrentManagedThreadId;
            InstrumentorMetrics.EnsureCreated();
            var queue = new DualQueue(Options, _counters, _signal);
            SpoolReplay? replay = null;
            // Without a store, spilled records could never be replayed: no spool then.
            if (Options.OverflowPolicy == OverflowPolicy.Spill && _sink is not null)
            {
                _spool = OpenSpool(Options.EffectiveSpoolPath);
            }

            if (_spool is not null)
            {
                replay = new SpoolReplay(_spool, _spoolBarriers, _counters);
                _spooler = new Spooler(queue, _spool, _spoolBarriers, _counters, Options);
                queue.Spooler = _spooler;
                _spooler.Start();
            }

            var writer = new BatchWriter(queue, _sink, _counters, _signal, Options, replay);
            if (Exporters.Count > 0)
            {
                IReadOnlyList<Export.HttpExporter> exporters = Exporters;
                writer.Committed = count =>
                {
                    foreach (Export.HttpExporter exporter in exporters)
                    {
                        exporter.Notify(count);
                    }
                };
                foreach (Export.HttpExporter exporter in exporters)
                {
                    exporter.Start();
                }
            }

            if (_spooler is not null)
            {
                Spooler spooler = _spooler;
                writer.SpillAtShutdown = record => spooler.Spill(record);
            }

            _writer = writer;
            writer.Start();
            if (_sink is SqliteSpanSink { SideRows: { } sideRows })
            {
                // Session rows of the same file are committed by this writer from now on (see ISideRowSource).
                sideRows.SetWake(_signal.WakeIfSleeping);
                SideRowSources.Open(sideRows);
            }
            lock (_earlyLock)
            {
                Volatile.Write(ref _queue, queue);
            }

            // No record joins the early queue any more: move what came before the queues existed.
            while (_early.TryDequeue(out SpanRecord record))
            {
                queue.Enqueue(ref record);
            }
        }
        catch (Exception ex)
        {
            SelfDiagnostics.Error("the tracing pipeline could not start: " + RecordText.Describe(ex) + " Monitored calls are not recorded (and are counted as dropped).");
        }
        finally
        {
            _ready.TrySetResult();
        }
    }

    /// <summary>Completes when everything enqueued before the call is committed; <see langword="false"/> on timeout.</summary>
    internal async Task<bool> FlushAsync(TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        try
        {
            await _ready.Task.WaitAsync(cancellation.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return false;
        }

        if (_queue is not { } queue)
        {
            return false;
        }

        var barrier = new FlushBarrier(paths: queue.UsesOverflow ? 3 : 2);
        if (!await queue.EnqueueBarrierAsync(barrier, cancellation.Token).ConfigureAwait(false))
        {
            return false;
        }

        try
        {
            if (!await barrier.Completion.WaitAsync(cancellation.Token).ConfigureAwait(false))
            {
                return false;
            }

            // Committed to the store: now wait (within the same timeout) until every exporter has it acknowledged.
            foreach (Export.HttpExporter exporter in Exporters)
            {
                if (!await exporter.FlushAsync().WaitAsync(cancellation.Token).ConfigureAwait(false))
                {
                    return false;
                }
            }

            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <inheritdoc cref="Shutdown(TimeSpan, out MonitoringStats)"/>
    internal bool Shutdown(TimeSpan timeout) => Shutdown(timeout, out _);

    /// <summary>
    /// Stops accepting records, writes what is queued within <paramref name="timeout"/>, saves what could not be
    /// written to the spool (replayed at the next start), closes the sink. Returns <see langword="true"/> when
    /// nothing was lost; <paramref name="final"/> is the counters once everything is settled.
    /// </summary>
    internal bool Shutdown(TimeSpan timeout, out MonitoringStats final)
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            final = Stats;
            return true;
        }

        long deadline = System.Diagnostics.Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * System.Diagnostics.Stopwatch.Frequency);
        if (!_starter.Join(timeout) && Volatile.Read(ref _queue) is { } starting)
        {
            // The starter is still moving early records (a full ring under policy Block): closing the queues ends
            // its wait (what it could not move is counted as dropped).
            starting.Complete();
        }

        _starter.Join();
        if (_queue is not { } queue || _writer is not { } writer)
        {
            // The start failed: what waited for it is lost, and counted.
            Interlocked.Add(ref _counters.DroppedAtEnqueue, _early.Count);
            _early.Clear();
            final = Stats;
            return final.Dropped == 0;
        }

        queue.Complete();
        _spooler?.Stop();
        bool writerEnded = writer.Stop(timeout);
        if (!writerEnded)
        {
            // The writer is stuck in a commit (a locked database): it is a background thread and will not hold the
            // process. What it holds is counted as lost; the queues are saved to the spool below.
            writer.Abandon();
            SelfDiagnostics.Error($"the trace writer did not finish its commit to '{_sink?.Name}' within the shutdown budget ({timeout}); " +
                "the records of that batch are lost (counted), queued ones are saved to the spool if there is one.");
        }

        if (_sink is SqliteSpanSink { SideRows: { } sideRows })
        {
            // The writer committed the side rows queued before the stop; what comes later its sources write themselves.
            SideRowSources.Close(sideRows);
        }

        (long saved, long lost) = SaveRemaining(queue, deadline);
        StopExporters(deadline);
        _spoolBarriers.AbandonAll();
        CloseSpool();
        if (writerEnded)
        {
            // A stuck writer still uses the sink: it is left to the process exit.
            _sink?.Dispose();
            writer.Close();
            _signal.Dispose();
        }

        if (saved > 0)
        {
            SelfDiagnostics.Warning($"{saved} trace records were saved to the spool file at shutdown; they will be written at the next start.");
        }

        if (lost > 0)
        {
            SelfDiagnostics.Error($"{lost} trace records were still queued at shutdown and are lost.");
        }

        final = Stats;
        if (final.Rejected > 0)
        {
            SelfDiagnostics.Warning($"{final.Rejected} trace records were rejected by the store and saved to '{Options.EffectiveRejectedPath}'.");
        }

        return final.Dropped == 0;
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
            long rejected = Volatile.Read(ref _counters.Rejected);
            long depth = (Volatile.Read(ref _queue)?.Depth ?? 0) + _early.Count;
            long sent = 0, failed = 0, retried = 0, exportRejected = 0, backlog = 0;
            bool circuitOpen = false;
            foreach (Export.HttpExporter exporter in Exporters)
            {
                Export.ExportCounters c = exporter.Counters;
                sent += Volatile.Read(ref c.Sent);
                failed += Volatile.Read(ref c.Failed);
                retried += Volatile.Read(ref c.Retried);
                exportRejected += Volatile.Read(ref c.Rejected);
                backlog += Volatile.Read(ref c.Backlog);
                circuitOpen |= Volatile.Read(ref c.CircuitState) is 1 or 2;
            }

            long enqueued = Volatile.Read(ref _counters.Dequeued) + Volatile.Read(ref _counters.Spilled) + droppedBySpooler
                + Math.Max(0, depth) + droppedAtEnqueue;
            return new MonitoringStats
            {
                Enqueued = enqueued,
                Written = written,
                Errors = Volatile.Read(ref _counters.Errors),
                Dropped = dropped,
                Rejected = rejected,
                Overflowed = Volatile.Read(ref _counters.Overflowed),
                Recovered = Volatile.Read(ref _counters.Recovered),
                Spilled = Volatile.Read(ref _counters.Spilled),
                Replayed = Volatile.Read(ref _counters.Replayed),
                ReplayedFromEarlierRuns = Volatile.Read(ref _counters.ReplayedFromEarlierRuns),
                QueueDepth = Math.Max(0, enqueued - written - dropped - rejected),
                FailedBatches = Volatile.Read(ref _counters.FailedBatches),
                WriteLagSeconds = Volatile.Read(ref _counters.LastWriteLagMicroseconds) / 1_000_000.0,
                ExportSent = sent,
                ExportFailed = failed,
                ExportRetried = retried,
                ExportRejected = exportRejected,
                ExportBacklog = backlog,
                ExportCircuitOpen = circuitOpen,
            };
        }
    }

    /// <summary>
    /// The exporters' final send, together, in what is left of the shutdown budget; what they cannot send stays in
    /// the store (their outbox) for the next start.
    /// </summary>
    private void StopExporters(long deadline)
    {
        if (Exporters.Count == 0)
        {
            return;
        }

        TimeSpan left = TimeSpan.FromSeconds(Math.Max(0, (deadline - System.Diagnostics.Stopwatch.GetTimestamp()) / (double)System.Diagnostics.Stopwatch.Frequency));
        var stops = new Task[Exporters.Count];
        for (int i = 0; i < stops.Length; i++)
        {
            Export.HttpExporter exporter = Exporters[i];
            stops[i] = Task.Factory.StartNew(() => exporter.Stop(left), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }

        Task.WaitAll(stops);
        foreach (Export.HttpExporter exporter in Exporters)
        {
            exporter.Dispose();
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
    private (long Saved, long Lost) SaveRemaining(DualQueue queue, long deadline)
    {
        long saved = 0;
        long lost = 0;
        while (queue.Errors.TryRead(out SpanRecord record))
        {
            Save(queue, record, ref saved, ref lost);
        }

        // A producer that claimed a slot before the close publishes it within instructions, unless it was descheduled:
        // wait for it within what is left of the budget (at least 100 ms), then count what never came as lost.
        TimeSpan wait = TimeSpan.FromSeconds(Math.Max(0.1, (deadline - System.Diagnostics.Stopwatch.GetTimestamp()) / (double)System.Diagnostics.Stopwatch.Frequency));
        while (queue.Normal.TryDequeueClosed(out SpanRecord record, wait))
        {
            Save(queue, record, ref saved, ref lost);
        }

        long unpublished = queue.Normal.SkipUnpublished();
        if (unpublished > 0)
        {
            lost += unpublished;
            Interlocked.Add(ref _counters.Dequeued, unpublished);
            Interlocked.Add(ref _counters.DroppedByWriter, unpublished);
        }

        while (queue.Overflow.TryDequeue(out SpanRecord record))
        {
            Save(queue, record, ref saved, ref lost);
        }

        return (saved, lost);
    }

    private void Save(DualQueue queue, in SpanRecord record, ref long saved, ref long lost)
    {
        if (record.IsBarrier)
        {
            queue.BarrierDequeued();
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

        _spooler?.FlushOrCountLost();
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
