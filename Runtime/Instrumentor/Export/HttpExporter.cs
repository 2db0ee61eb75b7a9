using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;

namespace Instrumentor.Export;

/// <summary>
/// One HTTP exporter: a dedicated worker thread that reads the spans the outbox committed after its durable
/// cursor, sends them (Instant: as soon as the writer reports a commit; Deferred: by size and interval), and moves
/// the cursor only after the collector's 2xx. The caller and the writer never wait for it: the writer's only part
/// is <see cref="Notify"/>, two interlocked adds. A batch the collector refuses (400/413) is bisected until the one
/// span at fault is alone, which is set aside (<see cref="ExportRejectedFile"/>) and counted.
/// </summary>
internal sealed class HttpExporter : IDisposable
{
    private readonly HttpExporterOptions _options;
    private readonly IExportOutbox _outbox;
    private readonly HttpExportClient _client;
    private readonly IExportEncoding _encoding;
    private readonly string _rejectedPath;
    private readonly string _location;
    private readonly Thread _thread;
    private readonly SemaphoreSlim _wake = new(0, int.MaxValue);
    private readonly CancellationTokenSource _stopping = new();
    private readonly object _flushLock = new();
    private readonly List<TaskCompletionSource<bool>> _flushes = new();
    private long _committed;
    private long _cursor = -1;
    private long _notBefore;
    private long _stopDeadline = long.MaxValue;
    private volatile bool _stopRequested;
    private bool _failing;
    private bool _rejectWarned;
    private (long First, long Last, string Id)? _pendingBatch;

    /// <summary>An exporter whose outbox is the SQLite store at <paramref name="storePath"/>.</summary>
    internal HttpExporter(HttpExporterOptions options, string storePath, SystemInfo system)
        : this(options, new StoreOutbox(storePath, options.EffectiveName, system))
    {
    }

    /// <summary>An exporter reading <paramref name="outbox"/> (the SQLite store, or the spool outbox without one).</summary>
    internal HttpExporter(HttpExporterOptions options, IExportOutbox outbox)
    {
        _options = options;
        _location = outbox.Location;
        Name = options.EffectiveName;
        _outbox = outbox;
        _client = new HttpExportClient(options, Counters);
        _encoding = options.Wire == ExportWire.Otlp
            ? new Otlp.OtlpTraceEncoder(options.Endpoint!)
            : new CollectorEncoding(options.Endpoint!);
        _rejectedPath = _location + ".export-rejected";
        _thread = new Thread(Run) { IsBackground = true, Name = "Instrumentor export" };
    }

    /// <summary>The exporter's name: its cursor's key in the store and its metrics tag.</summary>
    internal string Name { get; }

    internal ExportCounters Counters { get; } = new();

    /// <summary>The last row id the endpoint acknowledged (-1 before the worker read the cursor).</summary>
    internal long Cursor => Interlocked.Read(ref _cursor);

    /// <summary>
    /// Reads the cursor and the backlog, then starts the worker. The pipeline calls it before its writer commits
    /// anything, so every later <see cref="Notify"/> is for rows this first count did not see (counted once). When
    /// the store cannot be read yet, the worker's first round reads them instead (and reports why).
    /// </summary>
    internal void Start()
    {
        try
        {
            ReadCursorAndBacklog();
        }
        catch (Exception)
        {
            _outbox.Reset();
            Interlocked.Exchange(ref _cursor, -1);
        }

        _thread.Start();
    }

    /// <summary>The writer committed <paramref name="count"/> spans (called on the writer's thread after each commit).</summary>
    internal void Notify(int count)
    {
        // The backlog grows with each commit at once (each round then sets it exactly), so it is right even when the
        // worker is stuck in a request: Monitoring.Stats and the exit report see what waits.
        Interlocked.Add(ref Counters.Backlog, count);
        long waiting = Interlocked.Add(ref _committed, count);
        if (_options.Mode == ExportMode.Instant || waiting >= _options.BatchSize)
        {
            _wake.Release();
        }
    }

    /// <summary>Completes with <see langword="true"/> once everything committed before the call is acknowledged.</summary>
    internal Task<bool> FlushAsync()
    {
        var flush = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_flushLock)
        {
            if (_stopRequested)
            {
                return Task.FromResult(false);
            }

            _flushes.Add(flush);
        }

        _wake.Release();
        return flush.Task;
    }

    /// <summary>
    /// The final send: what is committed is sent within <paramref name="budget"/>; what is left stays in the store for
    /// the next start and is reported in one stderr line. Returns <see langword="true"/> when nothing is left.
    /// </summary>
    internal bool Stop(TimeSpan budget)
    {
        if (budget < TimeSpan.Zero)
        {
            budget = TimeSpan.Zero;
        }

        Volatile.Write(ref _stopDeadline, Stopwatch.GetTimestamp() + (long)(budget.TotalSeconds * Stopwatch.Frequency));
        lock (_flushLock)
        {
            _stopRequested = true;
        }

        _stopping.CancelAfter(budget);
        _wake.Release();
        if (_thread.IsAlive && !_thread.Join(budget + TimeSpan.FromMilliseconds(250)))
        {
            // Stuck outside anything the token can cancel: a background thread, it does not hold the process.
            SelfDiagnostics.Warning($"the exporter to {_options.Endpoint} did not stop within the shutdown budget ({_client.LastFailure ?? "no answer in time"}); " +
                $"its {Volatile.Read(ref Counters.Backlog)} unsent spans stay in '{_location}' and are sent at the next start.");
            return false;
        }

        long left = Volatile.Read(ref Counters.Backlog);
        if (left > 0)
        {
            SelfDiagnostics.Warning($"{left} spans were not acknowledged by {_options.Endpoint} before exit ({_client.LastFailure ?? "no answer in time"}); " +
                $"they stay in '{_location}' and are sent at the next start.");
        }

        return left == 0;
    }

    private bool PastStopDeadline => _stopRequested && Stopwatch.GetTimestamp() >= Volatile.Read(ref _stopDeadline);

    private void Run()
    {
        while (true)
        {
            try
            {
                if (!RunOnce())
                {
                    break;
                }
            }
            catch (Exception ex)
            {
                // The store could not be read (locked, replaced) or a bug of ours: never end exporting for it.
                _outbox.Reset();
                Report("cannot read the outbox '" + _location + "': " + RecordText.Describe(ex));
                if (_stopRequested)
                {
                    break;
                }

                _wake.Wait(TimeSpan.FromSeconds(1));
            }
        }

        FailFlushes();
    }

    /// <summary>One round: wait for work, then send what waits; <see langword="false"/> when the worker should end.</summary>
    private bool RunOnce()
    {
        if (_cursor < 0)
        {
            ReadCursorAndBacklog();
        }

        if (!_stopRequested)
        {
            WaitForWork();
        }

        bool stopping = _stopRequested;
        List<TaskCompletionSource<bool>> flushes = TakeFlushes();
        if (!stopping && Stopwatch.GetTimestamp() < Interlocked.Read(ref _notBefore))
        {
            // After a failure the exporter rests (until the circuit's half-open probe, or the first backoff), flushes
            // included: they wait for a later round, within their own timeout.
            ReturnFlushes(flushes);
            return true;
        }

        long target = _outbox.LastRowId();
        Interlocked.Exchange(ref _committed, 0);
        bool drained = Drain(target);
        UpdateBacklog(target);
        if (drained || stopping)
        {
            foreach (TaskCompletionSource<bool> flush in flushes)
            {
                flush.TrySetResult(drained);
            }
        }
        else
        {
            ReturnFlushes(flushes);
        }

        return !stopping;
    }

    private void WaitForWork()
    {
        // Instant: woken by each commit; Deferred: by a full batch. Both also look at the store every interval (spans
        // written by another process into the same file, a retry after a rest) and wake for a flush or the stop.
        TimeSpan interval = _options.Mode == ExportMode.Instant ? TimeSpan.FromSeconds(1) : _options.Interval;
        long rest = Interlocked.Read(ref _notBefore) - Stopwatch.GetTimestamp();
        if (rest > 0)
        {
            TimeSpan restTime = Stopwatch.GetElapsedTime(0, rest);
            interval = restTime < interval ? restTime : interval;
        }

        _wake.Wait(interval);
        // Several commits while the worker sent: one round takes them all.
        while (_wake.CurrentCount > 0 && _wake.Wait(0))
        {
        }
    }

    /// <summary>Sends every span up to <paramref name="target"/>; <see langword="true"/> when all are acknowledged or set aside.</summary>
    private bool Drain(long target)
    {
        while (_cursor < target)
        {
            if (PastStopDeadline)
            {
                return false;
            }

            List<OutboxSpan> spans = _outbox.Read(_cursor, _options.BatchSize);
            if (spans.Count == 0)
            {
                // Rows after the cursor were deleted (retention): nothing to send up to the target.
                Advance(target);
                return true;
            }

            if (!SendInOrder(spans))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Sends runs of spans of one system in row order, bisecting refused batches; moves the cursor after each part.</summary>
    private bool SendInOrder(List<OutboxSpan> spans)
    {
        var parts = new Stack<(int Start, int Length)>();
        for (int end = spans.Count; end > 0;)
        {
            // Runs of the same system, pushed last-first so they are sent in row order.
            int start = end - 1;
            while (start > 0 && ReferenceEquals(spans[start - 1].System, spans[end - 1].System))
            {
                start--;
            }

            parts.Push((start, end - start));
            end = start;
        }

        while (parts.Count > 0)
        {
            (int start, int length) = parts.Pop();
            SendOutcome outcome = Send(spans, start, length);
            switch (outcome)
            {
                case SendOutcome.Acknowledged:
                    Interlocked.Add(ref Counters.Sent, length);
                    Advance(spans[start + length - 1].RowId);
                    Recovered();
                    break;
                case SendOutcome.Refused when length > 1:
                    int half = length / 2;
                    parts.Push((start + half, length - half));
                    parts.Push((start, half));
                    break;
                case SendOutcome.Refused:
                    SetAside(spans[start]);
                    Advance(spans[start].RowId);
                    break;
                default:
                    Interlocked.Increment(ref Counters.Failed);
                    Failed();
                    return false;
            }
        }

        return true;
    }

    private SendOutcome Send(List<OutboxSpan> spans, int start, int length)
    {
        OutboxSpan first = spans[start];
        CancellationToken token = _stopping.Token;
        bool single = length == 1 && _options.Mode == ExportMode.Instant;
        long last = spans[start + length - 1].RowId;
        // The same rows sent again (after a failure) keep their batch id, so a batch whose 2xx was lost is stored once.
        string batchId = _pendingBatch is { } pending && pending.First == first.RowId && pending.Last == last
            ? pending.Id
            : Guid.CreateVersion7().ToString("N");
        SendOutcome outcome = Wait(_client.SendAsync(_encoding.Encode(spans, start, length, batchId, single), token));
        if (!single)
        {
            _pendingBatch = outcome == SendOutcome.Failed ? (first.RowId, last, batchId) : null;
        }

        return outcome;
    }

    private SendOutcome Wait(Task<SendOutcome> send)
    {
        SendOutcome outcome = send.GetAwaiter().GetResult();
        Counters.CircuitState = (int)_client.Circuit.CircuitState;
        return outcome;
    }

    private void Advance(long rowId)
    {
        if (rowId <= _cursor)
        {
            return;
        }

        _outbox.SaveCursor(rowId);
        Interlocked.Exchange(ref _cursor, rowId);
    }

    private void ReadCursorAndBacklog()
    {
        Interlocked.Exchange(ref _cursor, _outbox.ReadCursor());
        UpdateBacklog(_outbox.LastRowId());
    }

    private void UpdateBacklog(long target)
    {
        long backlog = target > _cursor ? _outbox.CountAfter(_cursor) : 0;
        Interlocked.Exchange(ref Counters.Backlog, backlog);
    }

    private void SetAside(OutboxSpan span)
    {
        Interlocked.Increment(ref Counters.Rejected);
        string reason = _client.LastFailure ?? "refused";
        try
        {
            ExportRejectedFile.Append(_rejectedPath, Name, reason, span.Event);
        }
        catch (Exception ex) when (ex is System.IO.IOException or UnauthorizedAccessException)
        {
            reason += $" (could not be saved to '{_rejectedPath}': {ex.Message})";
        }

        if (!_rejectWarned)
        {
            _rejectWarned = true;
            SelfDiagnostics.Warning($"{_options.Endpoint} refused the span {span.Event.SpanId} of {span.Event.Process} ({reason}); it is set aside in '{_rejectedPath}' " +
                "and the rest is sent (further refusals are counted in Monitoring.Stats.ExportRejected).");
        }
    }

    private void Failed()
    {
        // Rest before the next try: until the circuit's half-open probe when it is open, else the first backoff (Polly
        // already retried this request with growing delays).
        TimeSpan rest = _client.LastRetryAfter ?? _options.RetryBackoff;
        Interlocked.Exchange(ref _notBefore, Stopwatch.GetTimestamp() + (long)(rest.TotalSeconds * Stopwatch.Frequency));
        Report($"cannot send spans to {_options.Endpoint}: {_client.LastFailure}. They stay in '{_location}' and are sent when it answers.");
    }

    private void Recovered()
    {
        if (_failing)
        {
            _failing = false;
            SelfDiagnostics.Warning($"sending spans to {_options.Endpoint} works again.");
        }
    }

    private void Report(string message)
    {
        if (!_failing)
        {
            _failing = true;
            SelfDiagnostics.Warning(message);
        }
    }

    private List<TaskCompletionSource<bool>> TakeFlushes()
    {
        lock (_flushLock)
        {
            var taken = new List<TaskCompletionSource<bool>>(_flushes);
            _flushes.Clear();
            return taken;
        }
    }

    private void ReturnFlushes(List<TaskCompletionSource<bool>> flushes)
    {
        lock (_flushLock)
        {
            _flushes.InsertRange(0, flushes);
        }
    }

    private void FailFlushes()
    {
        foreach (TaskCompletionSource<bool> flush in TakeFlushes())
        {
            flush.TrySetResult(false);
        }
    }

    public void Dispose()
    {
        _client.Dispose();
        _outbox.Dispose();
        _stopping.Dispose();
    }
}
