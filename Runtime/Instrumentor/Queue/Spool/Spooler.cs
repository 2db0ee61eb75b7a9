using System;
using System.Threading;

namespace Instrumentor;

/// <summary>
/// The background thread that keeps the overflow queue within its capacity by moving its oldest records to the
/// spool file. Disk I/O for the spool happens here, never on the caller's thread. Past the spool's size limit,
/// normal records are dropped (counted, with one warning per crossing). If the disk refuses a write, the record
/// goes back to the overflow queue and the spooler retries later.
/// </summary>
internal sealed class Spooler
{
    private readonly DualQueue _queue;
    private readonly OverflowQueue _overflow;
    private readonly SpoolFile _spool;
    private readonly SpoolBarriers _barriers;
    private readonly PipelineCounters _counters;
    private readonly MonitoringOptions _options;
    private readonly WriterSignal _signal = new();
    private readonly SpanDataJson _json = new();
    private readonly Thread _thread;
    private volatile bool _stopRequested;
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

    internal void Start() => _thread.Start();

    /// <summary>Called by a producer that pushed the overflow queue past its capacity.</summary>
    internal void Wake() => _signal.WakeIfSleeping();

    internal void Stop()
    {
        _stopRequested = true;
        _signal.Wake();
        _thread.Join(TimeSpan.FromSeconds(5));
    }

    /// <summary>Writes one record to the spool now (also used at shutdown for what the writer could not commit).</summary>
    internal bool Spill(in SpanRecord record)
    {
        if (_spool.Length >= _options.SpoolLimitBytes)
        {
            Interlocked.Increment(ref _counters.DroppedBySpooler);
            if (!_limitWarned)
            {
                _limitWarned = true;
                SelfDiagnostics.Error(
                    $"the spool file '{_spool.Path}' reached its limit of {_options.SpoolLimitBytes} bytes: normal trace records are now " +
                    "dropped (and counted) until the store catches up; error records are still kept.");
            }

            return true;
        }

        _spool.Append(SpooledSpan.From(record, _json));
        Interlocked.Increment(ref _counters.Spilled);
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
            while (!_stopRequested && _overflow.IsOverCapacity && _overflow.TryDequeue(out SpanRecord record))
            {
                if (record.IsBarrier)
                {
                    _queue.BarrierDequeued();
                    _barriers.Add(record.Barrier!, _spool.FileId, _spool.Length);
                    continue;
                }

                if (_spool.Length < _options.SpoolLimitBytes)
                {
                    _limitWarned = false;
                }

                try
                {
                    Spill(record);
                }
                catch (Exception ex)
                {
                    // Disk full or gone: keep the record in memory and try again later.
                    _overflow.TryEnqueue(record);
                    if (!_diskFailing)
                    {
                        _diskFailing = true;
                        SelfDiagnostics.Error($"cannot write to the spool file '{_spool.Path}': {ex.Message} Records stay in memory.");
                    }

                    Thread.Sleep(500);
                    break;
                }
            }
        }
    }
}
