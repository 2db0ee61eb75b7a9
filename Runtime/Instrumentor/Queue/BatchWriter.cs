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
/// A batch the store rejects for its content is bisected: the one record at fault is set aside in the
/// <c>*.rejected</c> file (<see cref="RejectedFile"/>) and the rest commits; a committed part is never written again.
/// </summary>
internal sealed class BatchWriter
{
    private const int PurgeBatchSize = 1000;
    private static readonly TimeSpan s_maxBackoff = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan s_initialBackoff = TimeSpan.FromMilliseconds(50);

    // How long the writer waits for the spooler to finish moving one record before it skips the overflow this round.
    private static readonly TimeSpan s_overflowLockWait = TimeSpan.FromMilliseconds(50);

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
    private readonly Stack<(int Start, int Length)> _parts = new();
    private readonly RejectedFile _rejected;
    private readonly ManualResetEventSlim _stopEvent = new();
    private readonly object _consumerLock = new();
    private readonly object _handsLock = new();
    private readonly Thread _thread;
    private int _batchSize;
    private int _inHandsLive;
    private volatile bool _abandoned;
    private SpoolCheckpoint? _pendingSetAsideCheckpoint;
    private bool _sinkFailing;
    private bool _rejectWarned;
    private bool _listenerWarned;
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
        _rejected = new RejectedFile(options.EffectiveRejectedPath);
        _batch = new SpanRecord[options.MaxBatchSize];
        _batchSize = options.MinBatchSize;
        _nextPurgeTimestamp = Stopwatch.GetTimestamp();
        _thread = new Thread(Run) { IsBackground = true, Name = "Instrumentor writer" };
    }

    /// <summary>Where live records go when the writer must give up at shutdown (the spool), if anywhere.</summary>
    internal Func<SpanRecord, bool>? SpillAtShutdown { get; set; }

    internal void Start() => _thread.Start();

    /// <summary>Closes the file of rejected records (after the writer ended).</summary>
    internal void Close() => _rejected.Dispose();

    /// <summary>Asks the writer to finish what is queued, giving up on a failing sink after <paramref name="timeout"/>.</summary>
    internal bool Stop(TimeSpan timeout)
    {
        Volatile.Write(ref _stopDeadlineTimestamp, Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency));
        _stopRequested = true;
        _stopEvent.Set();
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
        if (_abandoned)
        {
            // Shutdown gave up waiting for this writer and took over the queues: nothing more to do here.
            return false;
        }

        // Looked at before the spans are taken: every span queued before these side rows is then in this round (the
        // rows never commit ahead of the spans recorded before them; a program's span and the session row it records
        // next share a transaction unless the batch is full).
        bool sideRowsWaiting = _sink?.HasSideRows ?? false;
        int live = TakeLive();
        int replayed = _replay is null ? 0 : _replay.Take(_batch, live, _batchSize, _sink);
        int count = live + replayed;
        bool moreWaiting = count == _batchSize && HasWork();
        // Side rows (session rows of the same file) commit with the spans, or in a round of their own when there are none.
        bool sideRows = count == 0 && sideRowsWaiting;
        bool committed = (count == 0 && !sideRows) || Commit(live, replayed);

        foreach (FlushBarrier barrier in _barriers)
        {
            // A barrier passes only if everything before it is committed (or set aside): not after giving up.
            if (committed)
            {
                barrier.PathPassed();
            }
            else
            {
                barrier.Abandon();
            }
        }

        bool didWork = count > 0 || sideRows || _barriers.Count > 0;
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
            else if (sideRows && !_stopRequested)
            {
                // The same for side rows arriving one at a time: a transaction each would be the store's cost, not theirs.
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
        _queue.Errors.Count > 0 || _queue.Normal.HasPublished || _queue.Overflow.Count > 0 || (_replay?.HasPending ?? false)
        || (_sink?.HasSideRows ?? false);

    /// <summary>Takes errors first, then normal, then overflowed records; barriers are passed after the commit.</summary>
    private int TakeLive()
    {
        // Under the consumer lock: once Shutdown abandoned this writer (stuck in a commit past the budget), it
        // drains the queues itself, and the writer must not take a record it would count twice.
        lock (_consumerLock)
        {
            if (_abandoned)
            {
                return 0;
            }

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
            count = TakeOverflow(count);
            Interlocked.Add(ref _counters.Recovered, count - fromChannels);
            Interlocked.Add(ref _counters.Dequeued, count);
            lock (_handsLock)
            {
                _inHandsLive = count;
            }

            return count;
        }
    }

    private int TakeOverflow(int count)
    {
        if (count >= _batchSize || _queue.Overflow.Count == 0)
        {
            return count;
        }

        // The spooler moves records from this queue to the spool under this lock (see Spooler): holding it, a barrier
        // met here sees every record before it in this batch or in the spool. A spooler stuck in a user formatter
        // must not stall the writer: skip the overflow this round instead.
        object? gate = _queue.Spooler?.ConsumerLock;
        if (gate is not null && !Monitor.TryEnter(gate, s_overflowLockWait))
        {
            return count;
        }

        try
        {
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
        }
        finally
        {
            if (gate is not null)
            {
                Monitor.Exit(gate);
            }
        }

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

    /// <summary>
    /// Commits the batch: live records in <c>[0, live)</c>, replayed ones after them. A store failure retries the
    /// part that failed, unchanged, with backoff; a part the store rejects for its content is split in halves until
    /// the one record at fault is found and set aside (the rest commits). Returns <see langword="false"/> when the
    /// writer gave up at the shutdown deadline (what was not committed went to the spool or was counted as lost).
    /// </summary>
    private bool Commit(int live, int replayed)
    {
        int count = live + replayed;
        if (_sink is null)
        {
            // No store configured: the records have nowhere to go, and are counted as such.
            Settle(live, written: 0, countAsDropped: true);
            Array.Clear(_batch, 0, count);
            return true;
        }

        _parts.Clear();
        _parts.Push((0, count));
        bool storeProbed = false;
        bool committedAll = true;
        TimeSpan backoff = s_initialBackoff;
        while (_parts.Count > 0)
        {
            (int start, int length) = _parts.Peek();
            Exception? failure = TryWrite(start, length, live);
            if (failure is null)
            {
                _parts.Pop();
                backoff = s_initialBackoff;
                continue;
            }

            Interlocked.Increment(ref _counters.FailedBatches);
            if (IsStoreFailure(failure, ref storeProbed))
            {
                ReportStoreFailure(failure);
                if (PastStopDeadline || _abandoned)
                {
                    GiveUp(live);
                    committedAll = false;
                    break;
                }

                WaitBeforeRetry(ref backoff);
                continue;
            }

            _parts.Pop();
            if (length == 1)
            {
                SetAside(start, live, failure);
            }
            else if (length > 1)
            {
                // Left half first: parts commit in batch order, so replay checkpoints only ever move forward.
                int half = length / 2;
                _parts.Push((start + half, length - half));
                _parts.Push((start, half));
            }
        }

        if (committedAll)
        {
            CommitTrailingCheckpoint(count, live);
        }
        else
        {
            _pendingSetAsideCheckpoint = null;
            _replay?.Abandoned();
        }

        try
        {
            _replay?.Finish();
        }
        catch (Exception ex)
        {
            // The rows are committed; only the spool's truncation failed (it is retried after the next batch).
            InstrumentorEventSource.Log.Warning("spool reset failed: " + RecordText.Describe(ex));
        }

        // Release the references (exceptions, strings) held by the slots.
        Array.Clear(_batch, 0, count);
        return committedAll;
    }

    /// <summary>Writes <c>[start, start + length)</c> of the batch; the failure, or <see langword="null"/> once committed.</summary>
    private Exception? TryWrite(int start, int length, int live)
    {
        int end = start + length;
        SpoolCheckpoint? checkpoint = end > live ? _replay!.Through(_batch[end - 1].Spooled!) : null;
        long started = Stopwatch.GetTimestamp();
        try
        {
            _sink!.Write(new ReadOnlySpan<SpanRecord>(_batch, start, length), checkpoint);
        }
        catch (Exception ex)
        {
            return ex;
        }

        // Committed. From here on nothing may send this part back to the sink (it would be written twice): the
        // accounting cannot throw, and what runs user code (metrics listeners) or touches the disk is guarded.
        int liveInPart = Math.Max(0, Math.Min(end, live) - start);
        int ownReplayed = 0;
        if (checkpoint is { } committed)
        {
            int firstReplayed = Math.Max(start, live);
            ownReplayed = _replay!.Committed(new ReadOnlySpan<SpanRecord>(_batch, firstReplayed, end - firstReplayed), committed);
        }

        Settle(liveInPart, liveInPart + ownReplayed, countAsDropped: false);
        AfterCommit(Stopwatch.GetElapsedTime(started), start, liveInPart);
        NotifyCommitted(length);
        return null;
    }

    /// <summary>
    /// Called after each commit with the number of spans it stored: the exporters read committed spans from the
    /// store by their own cursors, and this only wakes them (one interlocked add each, never a wait).
    /// </summary>
    internal Action<int>? Committed { get; set; }

    private void NotifyCommitted(int count)
    {
        try
        {
            Committed?.Invoke(count);
        }
        catch (Exception ex)
        {
            // Committed already: whatever an exporter does wrong must not send the batch back to the sink.
            InstrumentorEventSource.Log.Warning("an exporter's commit notification failed: " + RecordText.Describe(ex));
        }
    }

    private void AfterCommit(TimeSpan elapsed, int start, int liveInPart)
    {
        try
        {
            Volatile.Write(ref _counters.LastWriteLagMicroseconds, LagMicroseconds(start, liveInPart));
            if (_sinkFailing)
            {
                _sinkFailing = false;
                SelfDiagnostics.Warning($"writing traces to '{_sink!.Name}' works again.");
            }

            InstrumentorMetrics.RecordWriteLatency(elapsed);
        }
        catch (Exception ex)
        {
            if (!_listenerWarned)
            {
                _listenerWarned = true;
                SelfDiagnostics.Warning("a listener of the \"Instrumentor\" meter threw (" + RecordText.Describe(ex) +
                    "); the batch it observed is committed and is not written again.");
            }
        }
    }

    /// <summary>
    /// Accounts for live records leaving the writer's hands: <paramref name="written"/> committed (live and replayed);
    /// if Shutdown already counted the live ones as lost (it abandoned a stuck writer), that count is taken back.
    /// </summary>
    private void Settle(int live, int written, bool countAsDropped)
    {
        lock (_handsLock)
        {
            _inHandsLive -= live;
            if (_abandoned && !countAsDropped)
            {
                Interlocked.Add(ref _counters.DroppedByWriter, -live);
            }
            else if (!_abandoned && countAsDropped)
            {
                Interlocked.Add(ref _counters.DroppedByWriter, live);
            }
        }

        Interlocked.Add(ref _counters.Written, written);
    }

    /// <summary>
    /// Whether a failure is the store's rather than the records': by its kind (see <see cref="SinkFailure"/>), else
    /// by probing the store with an empty batch once per batch (if that commits, the store works and the records are
    /// at fault).
    /// </summary>
    private bool IsStoreFailure(Exception failure, ref bool storeProbed)
    {
        if (SinkFailure.IsStoreFailure(failure))
        {
            return true;
        }

        if (storeProbed)
        {
            return false;
        }

        try
        {
            _sink!.Write(ReadOnlySpan<SpanRecord>.Empty, null);
            storeProbed = true;
            return false;
        }
        catch (Exception)
        {
            return true;
        }
    }

    /// <summary>Sets aside the record at <paramref name="index"/>, which the store rejected on its own.</summary>
    private void SetAside(int index, int live, Exception failure)
    {
        ref SpanRecord record = ref _batch[index];
        bool isLive = index < live;
        // A record an earlier run spilled is not in this run's counters: it is saved, reported, not counted.
        bool counted = isLive || !_replay!.IsFromEarlierRun(record.Spooled!);
        Exception? saveFailure = null;
        try
        {
            _rejected.Save(record, failure);
        }
        catch (Exception ex)
        {
            saveFailure = ex;
        }

        if (isLive)
        {
            Settle(1, written: 0, countAsDropped: saveFailure is not null);
        }
        else if (saveFailure is not null && counted)
        {
            Interlocked.Increment(ref _counters.DroppedByWriter);
        }

        if (saveFailure is null && counted)
        {
            Interlocked.Increment(ref _counters.Rejected);
        }

        if (!isLive)
        {
            _pendingSetAsideCheckpoint = _replay!.Through(record.Spooled!);
        }

        ReportRejected(record, failure, saveFailure);
    }

    /// <summary>When the batch's last replayed record was set aside, no commit carried the checkpoint past it: commit it alone.</summary>
    private void CommitTrailingCheckpoint(int count, int live)
    {
        if (_pendingSetAsideCheckpoint is not { } checkpoint)
        {
            return;
        }

        _pendingSetAsideCheckpoint = null;
        if (count <= live || checkpoint.Offset != _batch[count - 1].Spooled!.NextOffset)
        {
            return; // a later part of the batch committed a checkpoint past it already
        }

        try
        {
            _sink!.Write(ReadOnlySpan<SpanRecord>.Empty, checkpoint);
            _replay!.Committed(ReadOnlySpan<SpanRecord>.Empty, checkpoint);
        }
        catch (Exception)
        {
            // The record is saved aside; if the spool is read from before it again, it is set aside once more.
        }
    }

    private void WaitBeforeRetry(ref TimeSpan backoff)
    {
        // Woken by Stop, so a long backoff never holds the shutdown; once stopping, a short pause between tries.
        if (_stopRequested)
        {
            Thread.Sleep(50);
        }
        else
        {
            _stopEvent.Wait(backoff);
        }

        backoff = backoff * 2 > s_maxBackoff ? s_maxBackoff : backoff * 2;
    }

    /// <summary>At the shutdown deadline: uncommitted live records go to the spool (replayed next start) or are counted as lost.</summary>
    private void GiveUp(int live)
    {
        _replay?.Abandoned();
        int spilled = 0;
        int lost = 0;
        lock (_handsLock)
        {
            if (_abandoned)
            {
                // Shutdown counted what this writer held as lost (and closed the spool): nothing to add.
                _inHandsLive = 0;
                return;
            }

            foreach ((int start, int length) in _parts)
            {
                for (int i = start; i < Math.Min(start + length, live); i++)
                {
                    try
                    {
                        if (SpillAtShutdown?.Invoke(_batch[i]) == true)
                        {
                            spilled++;
                            continue;
                        }
                    }
                    catch (Exception)
                    {
                        // Counted as lost below.
                    }

                    lost++;
                }
            }

            _inHandsLive = 0;
            // Spilled records left the writer's hands: they are counted by the spool, not as dequeued.
            Interlocked.Add(ref _counters.Dequeued, -spilled);
            Interlocked.Add(ref _counters.DroppedByWriter, lost);
        }

        SelfDiagnostics.Error(spilled > 0
            ? $"{spilled} trace records could not be written to '{_sink!.Name}' before shutdown; they were saved to the spool and will be written at the next start" + (lost > 0 ? $", {lost} are lost." : ".")
            : $"{lost} trace records could not be written to '{_sink!.Name}' before shutdown and are lost.");
    }

    /// <summary>
    /// Called by Shutdown when this writer did not end within the budget (stuck in a commit): from now on the
    /// writer takes nothing more from the queues, and what it holds is counted as lost (taken back if its commit
    /// completes after all). The caller then drains the queues itself.
    /// </summary>
    internal void Abandon()
    {
        lock (_consumerLock)
        {
            lock (_handsLock)
            {
                _abandoned = true;
                Interlocked.Add(ref _counters.DroppedByWriter, _inHandsLive);
            }
        }
    }

    /// <summary>How many live records the writer took and has not yet committed, set aside or given up (tests).</summary>
    internal int InHands
    {
        get
        {
            lock (_handsLock)
            {
                return _inHandsLive;
            }
        }
    }

    private void ReportStoreFailure(Exception ex)
    {
        if (_sinkFailing)
        {
            return;
        }

        _sinkFailing = true;
        SelfDiagnostics.Error(
            $"cannot write traces to '{_sink!.Name}': {RecordText.Describe(ex)}. {SinkFailure.Advice(ex)} The program keeps " +
            $"running; records stay queued: error records are all kept in memory, other records overflow to the spool " +
            $"(policy {_options.OverflowPolicy}).");
    }

    private void ReportRejected(in SpanRecord record, Exception failure, Exception? saveFailure)
    {
        string process = record.Spooled?.Process ?? record.Site?.Process ?? "?";
        string what = $"the store '{_sink!.Name}' rejected a trace record of {process} ({RecordText.Describe(failure)}); the rest of its batch was written";
        if (saveFailure is not null)
        {
            SelfDiagnostics.Error($"{what}, but the record could not be saved to '{_rejected.Path}' ({RecordText.Describe(saveFailure)}) and is lost.");
        }
        else if (!_rejectWarned)
        {
            _rejectWarned = true;
            SelfDiagnostics.Error($"{what} and the record was set aside in '{_rejected.Path}' (counted in Monitoring.Stats.Rejected; " +
                "further rejections are counted there without this message).");
        }
        else
        {
            InstrumentorEventSource.Log.Warning(what + $" and the record was set aside in '{_rejected.Path}'.");
        }
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

    private long LagMicroseconds(int start, int live)
    {
        if (live == 0)
        {
            return 0;
        }

        long oldest = long.MaxValue;
        for (int i = start; i < start + live; i++)
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
