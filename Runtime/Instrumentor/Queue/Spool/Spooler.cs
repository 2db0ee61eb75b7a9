using System;
using System.Threading;

namespace Instrumentor;

/// <summary>
/// The background thread that keeps the overflow queue within its capacity by moving its oldest records to the
/// spool file. Disk I/O for the spool happens here, never on the caller's thread. Past the spool's size limit,
/// normal records are dropped (counted, with one warning per crossing); error records are always kept. If the disk
/// refuses a write, the record stays at the head of the overflow queue and the spooler retries later.
/// </summary>
/// <remarks>
/// A record leaves the overflow queue only once it is in the spool: the spooler peeks, appends, then dequeues,
/// all under <see cref="ConsumerLock"/>, which the writer also holds while it takes from the overflow queue. So no
/// record is ever in flight between the queue and the file: a flush barrier the writer meets in the overflow
/// queue sees every record before it either in its batch or in the spool (whose length it reads under the
/// same lock), and a record the disk refused keeps its place ahead of later barriers.
/// </remarks>
internal sealed class Spooler
{
    private readonly DualQueue _queue;
    private readonly OverflowQueue _overflow;
    private readonly SpoolFile _spool;
    private readonly SpoolBarriers _barriers;
    private readonly PipelineCounters _counters;
    private readonly MonitoringOptions _options;
    private readonly WriterSignal _signal = new();
    private readonly ManualResetEventSlim _stopEvent = new();
    private readonly SpanDataJson _json = new();
    private readonly Thread _thread;
    private volatile bool _stopRequested;
    private volatile bool _atLimit;
    private bool _limitWarned;
    private bool _diskFailing;

    internal Spooler(DualQueue queue, SpoolFile spool, SpoolBarriers barriers, PipelineCounters counters, MonitoringOptions options)
    {
        _queue = queue;
        _overflow = queue.Overflow;
        _spool = spool;
        _barriers = barriers;
        _counters = counters;
        _options = options;
        _thread = new Thread(Run) { IsBackground = true, Name = "Instrumentor spooler" };
    }

    /// <summary>Held by whoever takes records off the overflow queue (the spooler and the writer).</summary>
    internal object ConsumerLock { get; } = new();

    internal void Start() => _thread.Start();

    /// <summary>
    /// Whether the spool refused its last normal record for its size limit (until the spooler finds room again):
    /// normal records that overflow then are dropped by the producer instead of waiting in memory to be dropped here.
    /// </summary>
    internal bool AtLimit => _atLimit;

    /// <summary>Called by a producer that pushed the overflow queue past its capacity.</summary>
    internal void Wake() => _signal.WakeIfSleeping();

    internal void Stop()
    {
        _stopRequested = true;
        _stopEvent.Set();
        _signal.Wake();
        _thread.Join(TimeSpan.FromSeconds(5));
    }

    /// <summary>
    /// At shutdown, before the spool is closed: writes what it still gathers, and if the disk refuses, counts those
    /// records as lost (they were counted as spilled when appended; they never reached the file).
    /// </summary>
    internal void FlushOrCountLost()
    {
        lock (ConsumerLock)
        {
            try
            {
                _spool.Flush();
            }
            catch (Exception ex)
            {
                int lost = _spool.PendingRecords;
                _spool.DiscardPending();
                Interlocked.Add(ref _counters.Spilled, -lost);
                Interlocked.Add(ref _counters.DroppedBySpooler, lost);
                SelfDiagnostics.Error($"{lost} trace records could not be written to the spool file '{_spool.Path}' at shutdown and are lost (counted as dropped): {RecordText.Describe(ex)}");
            }
        }
    }

    /// <summary>
    /// Writes one record to the spool now (at shutdown, for what the writer could not commit). Past the spool limit a
    /// normal record is dropped and counted; an error record is kept whatever the limit. Throws if the disk refuses.
    /// </summary>
    internal bool Spill(in SpanRecord record)
    {
        lock (ConsumerLock)
        {
            Interlocked.Increment(ref TryAppend(record) ? ref _counters.Spilled : ref _counters.DroppedBySpooler);
            return true;
        }
    }

    /// <summary>Appends <paramref name="record"/> unless it is a normal record and the spool is at its limit.</summary>
    private bool TryAppend(in SpanRecord record)
    {
        if (record.Status != SpanStatus.Error && _spool.Length >= _options.SpoolLimitBytes)
        {
            _atLimit = true;
            if (!_limitWarned)
            {
                _limitWarned = true;
                SelfDiagnostics.Error(
                    $"the spool file '{_spool.Path}' reached its limit of {_options.SpoolLimitBytes} bytes: normal trace records are now " +
                    "dropped (and counted) until the store catches up; error records are still kept.");
            }

            return false;
        }

        _spool.Append(SpooledSpan.From(record, _json), now: record.Status == SpanStatus.Error);
        if (_diskFailing)
        {
            _diskFailing = false;
            SelfDiagnostics.Warning($"writing to the spool file '{_spool.Path}' works again.");
        }

        return true;
    }

    private void Run()
    {
        while (!_stopRequested)
        {
            _signal.Sleep(_options.FlushInterval, () => _overflow.IsOverCapacity || _stopRequested);
            while (!_stopRequested && _overflow.IsOverCapacity)
            {
                Exception? failure = MoveOne(out bool moved);
                if (failure is not null)
                {
                    // Disk full or gone: the record keeps its place in memory; try again later.
                    ReportDiskFailure(failure);

                    // Not the producers' signal: they wake the spooler on every overflowed record.
                    _stopEvent.Wait(TimeSpan.FromMilliseconds(500));
                    break;
                }

                if (!moved)
                {
                    break;
                }
            }

            // The moves of this run reach the file together (SpoolFile gathers them): one write, then readers see them.
            FlushSpool();
        }

        FlushSpool();
    }

    private void FlushSpool()
    {
        try
        {
            _spool.Flush();
        }
        catch (Exception ex)
        {
            // The records stay pending in the spool; the next run's flush (or closing the spool) tries again.
            ReportDiskFailure(ex);
        }
    }

    /// <summary>One error line per failing stretch of the disk (a write that works again ends it).</summary>
    private void ReportDiskFailure(Exception failure)
    {
        if (!_diskFailing)
        {
            _diskFailing = true;
            SelfDiagnostics.Error($"cannot write to the spool file '{_spool.Path}': {RecordText.Describe(failure)} Records stay in memory.");
        }
    }

    /// <summary>Moves the oldest overflowed record to the spool; returns the disk's failure, if any.</summary>
    private Exception? MoveOne(out bool moved)
    {
        lock (ConsumerLock)
        {
            moved = _overflow.TryPeek(out SpanRecord record);
            if (!moved)
            {
                return null;
            }

            if (record.IsBarrier)
            {
                _overflow.TryDequeue(out _);
                _queue.BarrierDequeued();
                _barriers.Add(record.Barrier!, _spool.FileId, _spool.Length);
                return null;
            }

            if (_spool.Length < _options.SpoolLimitBytes)
            {
                _limitWarned = false;
                _atLimit = false;
            }

            bool appended;
            try
            {
                appended = TryAppend(record);
            }
            catch (Exception ex)
            {
                moved = false;
                return ex;
            }

            // Only consumers dequeue, and they all hold this lock: the head is still the record just appended.
            _overflow.TryDequeue(out _);
            Interlocked.Increment(ref appended ? ref _counters.Spilled : ref _counters.DroppedBySpooler);
            return null;
        }
    }
}
