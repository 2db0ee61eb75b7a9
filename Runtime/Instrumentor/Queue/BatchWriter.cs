using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using System.Threading.Channels;

namespace Instrumentor;

/// <summary>
/// The one background writer: a dedicated thread (so a starved thread pool cannot stall tracing) that wakes on
/// data or every flush interval. Each round fills a batch with all waiting errors first, then normal records,
/// then overflowed ones, then records replayed from the spool, and commits it in one transaction. A failing
/// sink is retried with backoff; the batch stays owned by the writer until the sink commits it. The batch grows
/// from the minimum to the maximum size under pressure. Between batches it purges expired spans.
/// </summary>
internal sealed class BatchWriter
{
    private const int PurgeBatchSize = 1000;
    private static readonly TimeSpan s_maxBackoff = TimeSpan.FromSeconds(5);

    // How long the writer lets records gather after a round that found only a few: see RunOnce.
    private static readonly TimeSpan s_coalesceDelay = TimeSpan.FromMilliseconds(1);

    private readonly DualQueue _queue;
    private readonly ISpanSink? _sink;
    private readonly PipelineCounters _counters;
    private readonly WriterSignal _signal;
    private readonly MonitoringOptions _options;
    private readonly SpoolReplay? _replay;
    private readonly SpanRecord[] _batch;
    private readonly List<FlushBarrier> _barriers = new();
    private readonly Thread _thread;
    private int _batchSize;
    private bool _sinkFailing;
    private bool _depthWarned;
    private long _nextPurgeTimestamp;
    private long _stopDeadlineTimestamp = long.MaxValue;
    private volatile bool _stopRequested;

    internal BatchWriter(DualQueue queue, ISpanSink? sink, PipelineCounters counters, WriterSignal signal, MonitoringOptions options, SpoolReplay? replay)
    {
        _queue = queue;
        _sink = sink;
        _counters = counters;
        _signal = signal;
        _options = options;
        _replay = replay;
        _batch = new SpanRecord[options.MaxBatchSize];
        _batchSize = options.MinBatchSize;
        _nextPurgeTimestamp = Stopwatch.GetTimestamp();
        _thread = new Thread(Run) { IsBackground = true, Name = "Instrumentor writer" };
    }

    /// <summary>Where live records go when the writer must give up at shutdown (the spool), if anywhere.</summary>
    internal Func<SpanRecord, bool>? SpillAtShutdown { get; set; }

    internal void Start() => _thread.Start();

    /// <summary>Asks the writer to finish what is queued, giving up on a failing sink after <paramref name="timeout"/>.</summary>
    internal bool Stop(TimeSpan timeout)
    {
        Volatile.Write(ref _stopDeadlineTimestamp, Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency));
        _stopRequested = true;
        _signal.Wake();
        // Allow a little beyond the budget for a commit already in progress to finish.
        return _thread.Join(timeout + TimeSpan.FromMilliseconds(500));
    }

    private bool PastStopDeadline => _stopRequested && Stopwatch.GetTimestamp() >= Volatile.Read(ref _stopDeadlineTimestamp);

    private void Run()
    {
        while (true)
        {
            try
            {
                if (!RunOnce())
                {
                    return;
                }
            }
            catch (Exception ex)
            {
                // A bug of ours must not end tracing, nor the process: report it and keep writing.
                SelfDiagnostics.Error("the trace writer failed unexpectedly and continues: " + ex);
                Thread.Sleep(100);
            }
        }
    }

    /// <summary>One round of the writer loop; <see langword="false"/> when the writer should end.</summary>
    private bool RunOnce()
    {
        int live = TakeLive();
        int replayed = _replay is null ? 0 : _replay.Take(_batch, live, _batchSize, _sink);
        int count = live + replayed;
        bool moreWaiting = count == _batchSize && HasWork();
        if (count > 0)
        {
            Commit(live, replayed);
        }

        foreach (FlushBarrier barrier in _barriers)
        {
            barrier.PathPassed();
        }

        bool didWork = count > 0 || _barriers.Count > 0;
        _barriers.Clear();
        _replay?.PassBarriers();
        WarnOnDepth();
        MaybePurge();
        if (didWork)
        {
            AdaptBatchSize(count, moreWaiting);
            if (count > 0 && count < _options.MinBatchSize && !moreWaiting && !_stopRequested)
            {
                // The round found only a few records: the writer is keeping pace with the producers one record at a
                // time, taking the queue's lock in lock-step with them (and being woken again each time it finds the
                // queue empty), which costs every monitored call far more than the enqueue itself. Let records gather
                // for a moment instead, without announcing a sleep (producers then never pay for a wake-up).
                Thread.Sleep(s_coalesceDelay);
            }

            return !PastStopDeadline;
        }

        if (_stopRequested)
        {
            // Records may have arrived between this round's reads and the stop request: the queues are closed
            // before the stop is requested, so one more look is conclusive.
            // A slot claimed but not yet published counts here: its producer publishes it within instructions.
            return (HasWork() || _queue.Normal.Count > 0) && !PastStopDeadline;
        }

        _signal.Sleep(_options.FlushInterval, HasWork);
        return true;
    }

    private bool HasWork() =>
        _queue.Errors.Count > 0 || _queue.Normal.HasPublished || _queue.Overflow.Count > 0 || (_replay?.HasPending ?? false);

    /// <summary>Takes errors first, then normal, then overflowed records; barriers are passed after the commit.</summary>
    private int TakeLive()
    {
        int count = Take(_queue.Errors, 0);
        while (count < _batchSize && _queue.Normal.TryDequeue(out _batch[count]))
        {
            if (SetAsideBarrier(_batch[count]))
            {
                _batch[count] = default;
            }
            else
            {
                count++;
            }
        }

        int fromChannels = count;
        while (count < _batchSize && _queue.Overflow.TryDequeue(out SpanRecord record))
        {
            if (record.IsBarrier && _replay is not null)
            {
                // Records ahead of this barrier may already be in the spool: it passes once the replay got past them.
                _queue.BarrierDequeued();
                _replay.RegisterBarrier(record.Barrier!);
            }
            else if (!SetAsideBarrier(record))
            {
                _batch[count++] = record;
            }
        }

        Interlocked.Add(ref _counters.Recovered, count - fromChannels);
        Interlocked.Add(ref _counters.Dequeued, count);
        return count;
    }

    private int Take(ChannelReader<SpanRecord> reader, int count)
    {
        while (count < _batchSize && reader.TryRead(out SpanRecord record))
        {
            if (!SetAsideBarrier(record))
            {
                _batch[count++] = record;
            }
        }

        return count;
    }

    private bool SetAsideBarrier(in SpanRecord record)
    {
        if (!record.IsBarrier)
        {
            return false;
        }

        _queue.BarrierDequeued();
        _barriers.Add(record.Barrier!);
        return true;
    }

    private void Commit(int live, int replayed)
    {
        int count = live + replayed;
        if (_sink is null)
        {
            // No store configured: the records have nowhere to go, and are counted as such.
            Interlocked.Add(ref _counters.DroppedByWriter, live);
            Array.Clear(_batch, 0, count);
            return;
        }

        TimeSpan backoff = TimeSpan.FromMilliseconds(50);
        while (true)
        {
            try
            {
                long started = Stopwatch.GetTimestamp();
                _sink.Write(new ReadOnlySpan<SpanRecord>(_batch, 0, count), _replay?.PendingCheckpoint);
                InstrumentorMetrics.RecordWriteLatency(Stopwatch.GetElapsedTime(started));
                int ownReplayed = _replay?.Committed() ?? 0;
                Interlocked.Add(ref _counters.Written, live + ownReplayed);
                Volatile.Write(ref _counters.LastWriteLagMicroseconds, LagMicroseconds(live));
                if (_sinkFailing)
                {
                    _sinkFailing = false;
                    SelfDiagnostics.Warning($"writing traces to '{_sink.Name}' works again.");
                }

                break;
            }
            catch (Exception ex)
            {
                Interlocked.Increment(ref _counters.FailedBatches);
                ReportFailure(ex);
                if (PastStopDeadline)
                {
                    GiveUp(live);
                    break;
                }

                Thread.Sleep(_stopRequested ? TimeSpan.FromMilliseconds(50) : backoff);
                backoff = backoff * 2 > s_maxBackoff ? s_maxBackoff : backoff * 2;
            }
        }

        // Release the references (exceptions, strings) held by the slots.
        Array.Clear(_batch, 0, count);
    }

    /// <summary>At the shutdown deadline: live records go to the spool (replayed next start) or are counted as lost.</summary>
    private void GiveUp(int live)
    {
        _replay?.Abandoned();
        int spilled = 0;
        for (int i = 0; i < live; i++)
        {
            try
            {
                if (SpillAtShutdown?.Invoke(_batch[i]) == true)
                {
                    spilled++;
                }
            }
            catch (Exception)
            {
                // Counted as lost below.
            }
        }

        // Spilled records left the writer's hands: they are counted by the spool, not as dequeued.
        Interlocked.Add(ref _counters.Dequeued, -spilled);
        int lost = live - spilled;
        Interlocked.Add(ref _counters.DroppedByWriter, lost);
        SelfDiagnostics.Error(spilled > 0
            ? $"{spilled} trace records could not be written to '{_sink!.Name}' before shutdown; they were saved to the spool and will be written at the next start" + (lost > 0 ? $", {lost} are lost." : ".")
            : $"{lost} trace records could not be written to '{_sink!.Name}' before shutdown and are lost.");
    }

    private void ReportFailure(Exception ex)
    {
        if (_sinkFailing)
        {
            return;
        }

        _sinkFailing = true;
        SelfDiagnostics.Error(
            $"cannot write traces to '{_sink!.Name}': {ex.Message} The program keeps running; records stay queued " +
            $"and the write is retried. Error records are all kept in memory; other records overflow to the spool " +
            $"(policy {_options.OverflowPolicy}). Set {MonitoringOptions.DatabasePathVariable} or " +
            "MonitoringOptions.DatabasePath to a writable file.");
    }

    private void MaybePurge()
    {
        if (_sink is null || _options.Retention <= TimeSpan.Zero || Stopwatch.GetTimestamp() < _nextPurgeTimestamp || _stopRequested)
        {
            return;
        }

        int deleted = 0;
        try
        {
            long cutoff = TimestampClock.UnixMicrosecondsNow() - (long)(_options.Retention.TotalMilliseconds * 1000);
            deleted = _sink.Purge(cutoff, PurgeBatchSize);
        }
        catch (Exception ex)
        {
            InstrumentorEventSource.Log.Warning("retention purge failed: " + ex.Message);
        }

        // A full batch means more is expired: purge again after the next round of writes, else wait an interval.
        _nextPurgeTimestamp = deleted == PurgeBatchSize
            ? Stopwatch.GetTimestamp()
            : Stopwatch.GetTimestamp() + (long)(_options.PurgeInterval.TotalSeconds * Stopwatch.Frequency);
    }

    private long LagMicroseconds(int live)
    {
        if (live == 0)
        {
            return 0;
        }

        long oldest = long.MaxValue;
        for (int i = 0; i < live; i++)
        {
            ref SpanRecord record = ref _batch[i];
            long finished = record.EndTimestamp != 0 ? record.EndTimestamp : record.StartTimestamp;
            oldest = Math.Min(oldest, finished);
        }

        return (long)((Stopwatch.GetTimestamp() - oldest) * 1_000_000.0 / Stopwatch.Frequency);
    }

    private void AdaptBatchSize(int count, bool moreWaiting)
    {
        if (moreWaiting)
        {
            _batchSize = Math.Min(_batchSize * 2, _options.MaxBatchSize);
        }
        else if (count < _batchSize / 2)
        {
            _batchSize = Math.Max(_batchSize / 2, _options.MinBatchSize);
        }
    }

    private void WarnOnDepth()
    {
        long depth = _queue.Depth;
        if (!_depthWarned && depth >= _options.QueueWarningThreshold)
        {
            _depthWarned = true;
            SelfDiagnostics.Warning(
                $"{depth} trace records are waiting to be written (warning threshold {_options.QueueWarningThreshold}, " +
                $"capacity {_options.QueueCapacity}): the store is slower than the program produces spans.");
        }
        else if (_depthWarned && depth < _options.QueueWarningThreshold)
        {
            _depthWarned = false;
        }
    }
}
