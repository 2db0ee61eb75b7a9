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
    private readonly List<int> _batchSizes = new();
    private readonly List<IReadOnlyList<string>> _batchStatuses = new();
    private int _failuresLeft;

    public string Name => "memory";

    public ManualResetEventSlim Gate { get; } = new(initialState: true);

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

    public void Write(ReadOnlySpan<SpanRecord> batch)
    {
        Gate.Wait();
        lock (_lock)
        {
            WriteCalls++;
        }

        if (Interlocked.Decrement(ref _failuresLeft) >= 0)
        {
            throw new System.IO.IOException("simulated sink failure");
        }

        var converted = new List<RecordedSpan>(batch.Length);
        var statuses = new List<string>(batch.Length);
        foreach (ref readonly SpanRecord record in batch)
        {
            converted.Add(Convert(record));
            statuses.Add(record.Status == SpanStatus.Error ? "ERR" : "OK");
        }

        lock (_lock)
        {
            _spans.AddRange(converted);
            _batchSizes.Add(batch.Length);
            _batchStatuses.Add(statuses);
        }
    }

    public void Dispose()
    {
    }

    private static RecordedSpan Convert(in SpanRecord record)
    {
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
            record.Exception?.Message,
            inputs,
            record.HasResult,
            record.HasResult ? CapturedValueFormatter.Format(record.Result, site.MaxLength) : null,
            record.ThreadId);
    }
}
