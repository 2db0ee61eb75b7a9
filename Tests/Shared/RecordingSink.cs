using System;
using System.Collections.Generic;
using System.Threading;
using Instrumentor.Runtime;

namespace Instrumentor.Testing;

/// <summary>
/// An in-memory sink for tests: keeps every committed span, and can be told to fail the next N writes or to
/// block until released, to exercise the writer's retry and ordering.
/// </summary>
internal sealed class RecordingSink : ISpanSink
{
    private readonly object _lock = new();
    private readonly List<RecordedSpan> _spans = new();
    private readonly List<IReadOnlyList<string>> _batchStatuses = new();
    private readonly Dictionary<string, long> _checkpoints = new();
    private int _failuresLeft;

    private readonly HashSet<ulong> _spanIds = new();
    private long _duplicates;
    private long _errorsAfterNormal;
    private long _count;

    /// <summary>Keeps converted spans (false: only counts, for stress tests of a million records).</summary>
    public bool KeepSpans { get; init; } = true;

    public string Name => "memory";

    public long Count => Interlocked.Read(ref _count);

    /// <summary>Records seen twice (by span id): must stay 0.</summary>
    public long Duplicates => Interlocked.Read(ref _duplicates);

    /// <summary>Batches in which an error came after a normal record: must stay 0.</summary>
    public long ErrorsAfterNormal => Interlocked.Read(ref _errorsAfterNormal);

    public ManualResetEventSlim Gate { get; } = new(initialState: true);

    /// <summary>Whether the writer is inside <see cref="Write"/>, held by a closed <see cref="Gate"/>.</summary>
    public bool HeldAtGate => Volatile.Read(ref _heldAtGate) != 0;

    private int _heldAtGate;

    public int WriteCalls { get; private set; }

    public IReadOnlyList<RecordedSpan> Spans
    {
        get
        {
            lock (_lock)
            {
                return _spans.ToArray();
            }
        }
    }

    public IReadOnlyList<IReadOnlyList<string>> BatchStatuses
    {
        get
        {
            lock (_lock)
            {
                return _batchStatuses.ToArray();
            }
        }
    }

    public void FailNextWrites(int count) => Interlocked.Exchange(ref _failuresLeft, count);

    /// <summary>The failure thrown by the writes <see cref="FailNextWrites"/> fails (default: an IOException, a store failure).</summary>
    public Func<Exception> Failure { get; set; } = () => new System.IO.IOException("simulated sink failure");

    /// <summary>Refuses (with an ArgumentException, as a store refusing a row's content) every batch holding a record it matches.</summary>
    public Func<RecordedSpan, bool>? Rejects { get; set; }

    /// <summary>Empty batches written: the writer's probe of the store.</summary>
    public int EmptyWrites { get; private set; }

    public long? ReadCheckpoint(string fileId)
    {
        lock (_lock)
        {
            return _checkpoints.TryGetValue(fileId, out long offset) ? offset : null;
        }
    }

    public int Purge(long cutoffUnixMicroseconds, int limit) => 0;

    public void Write(ReadOnlySpan<SpanRecord> batch, SpoolCheckpoint? checkpoint)
    {
        Volatile.Write(ref _heldAtGate, 1);
        Gate.Wait();
        Volatile.Write(ref _heldAtGate, 0);
        lock (_lock)
        {
            WriteCalls++;
        }

        if (Interlocked.Decrement(ref _failuresLeft) >= 0)
        {
            throw Failure();
        }

        if (batch.IsEmpty)
        {
            lock (_lock)
            {
                EmptyWrites++;
                if (checkpoint is { } only)
                {
                    _checkpoints[only.FileId] = only.Offset;
                }
            }

            return;
        }

        if (Rejects is { } rejects)
        {
            foreach (ref readonly SpanRecord record in batch)
            {
                if (rejects(Convert(record)))
                {
                    throw new ArgumentException("simulated row the store refuses");
                }
            }
        }

        var converted = new List<RecordedSpan>(KeepSpans ? batch.Length : 0);
        var statuses = new List<string>(KeepSpans ? batch.Length : 0);
        bool seenNormal = false;
        lock (_lock)
        {
            foreach (ref readonly SpanRecord record in batch)
            {
                bool error = (record.Spooled?.Status ?? record.Status) == SpanStatus.Error;
                if (error && seenNormal && record.Spooled is null)
                {
                    _errorsAfterNormal++;
                }

                seenNormal |= !error;
                if (!_spanIds.Add(record.Spooled?.SpanId ?? record.SpanId))
                {
                    _duplicates++;
                }

                _count++;
                if (KeepSpans)
                {
                    converted.Add(Convert(record));
                    statuses.Add(error ? "ERR" : "OK");
                }
            }
        }

        lock (_lock)
        {
            _spans.AddRange(converted);
            if (KeepSpans)
            {
                _batchStatuses.Add(statuses);
            }

            if (checkpoint is { } cursor)
            {
                _checkpoints[cursor.FileId] = cursor.Offset;
            }
        }
    }

    public void Dispose()
    {
    }

    private static RecordedSpan Convert(in SpanRecord record)
    {
        if (record.Spooled is { } spooled)
        {
            return FromSpooled(spooled);
        }

        MonitorSite site = record.Site!;
        var inputs = new Dictionary<string, string?>();
        for (int i = 0; i < record.ArgumentCount; i++)
        {
            inputs[site.ParameterNames[i]] = CapturedValueFormatter.Format(record.GetArgument(i), site.MaxLength);
        }

        return new RecordedSpan(
            site.Process,
            site.ProcessGroup,
            record.TraceHigh.ToString("x16") + record.TraceLow.ToString("x16"),
            record.SpanId.ToString("x16"),
            record.ParentSpanId == 0 ? null : record.ParentSpanId.ToString("x16"),
            record.Status == SpanStatus.Error ? "ERR" : "OK",
            record.EndTimestamp == 0 ? null : TimestampClock.ToNanoseconds(record.StartTimestamp, record.EndTimestamp),
            record.Exception?.GetType().FullName,
            SafeMessage(record.Exception),
            inputs,
            record.HasResult,
            record.HasResult ? CapturedValueFormatter.Format(record.Result, site.MaxLength) : null,
            record.ThreadId);
    }

    /// <summary>The exception's message as a test sees it; an exception whose Message throws shows the store's placeholder.</summary>
    private static string? SafeMessage(Exception? exception)
    {
        try
        {
            return exception?.Message;
        }
        catch (Exception reason)
        {
            return RecordText.Unformattable(exception, reason);
        }
    }

    private static RecordedSpan FromSpooled(SpooledSpan span)
    {
        var inputs = new Dictionary<string, string?>();
        bool hasResult = false;
        string? result = null;
        if (span.DataUtf8 is { } data)
        {
            foreach (System.Text.Json.JsonElement value in System.Text.Json.JsonDocument.Parse(data).RootElement.EnumerateArray())
            {
                string? text = value.GetProperty("v").GetString();
                if (value.TryGetProperty("o", out _))
                {
                    hasResult = true;
                    result = text;
                }
                else
                {
                    inputs[value.GetProperty("n").GetString()!] = text;
                }
            }
        }

        return new RecordedSpan(
            span.Process,
            span.ProcessGroup,
            span.TraceHigh.ToString("x16") + span.TraceLow.ToString("x16"),
            span.SpanId.ToString("x16"),
            span.ParentSpanId == 0 ? null : span.ParentSpanId.ToString("x16"),
            span.Status == SpanStatus.Error ? "ERR" : "OK",
            span.DurationNanoseconds < 0 ? null : span.DurationNanoseconds,
            span.Exception?.Split(':')[0],
            null,
            inputs,
            hasResult,
            result,
            span.ThreadId);
    }
}
