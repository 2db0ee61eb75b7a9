using System;
using System.ComponentModel;
using System.Diagnostics;

namespace Instrumentor.Runtime;

/// <summary>
/// The span of one synchronous monitored call, kept on the caller's stack by the generated wrapper:
/// <code>
/// var span = SyncSpan.Start(site);           // parent, sampling, ids, first timestamp
/// if (span.IsSampled) span.SetArgument(0, CapturedValue.FromInt64(a));
/// try { result = Target(a); }
/// catch (Exception ex) when (span.Fail(ex)) { throw; }   // records, never catches
/// finally { span.Exit(); }                  // restores the thread's current span
/// if (span.IsSampled) { span.SetResult(...); span.Complete(); }
/// </code>
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public struct SyncSpan
{
    private SpanRecord _record;
    private ThreadSpanFrame _saved;
    private bool _sampled;

    /// <summary>Whether this call is recorded (its arguments and result are captured).</summary>
    public readonly bool IsSampled => _sampled;

    /// <summary>Starts the span of a call to <paramref name="site"/> and makes it current on this thread.</summary>
    public static SyncSpan Start(MonitorSite site)
    {
        SyncSpan span = default;
        AsyncSpanFrame? asyncFrame = SpanContext.CurrentAsyncFrame;
        ParentSpan parent = SpanContext.ResolveParent(site, asyncFrame);
        ulong spanId = SpanIds.NewSpanId();

        ref ThreadSpanFrame frame = ref SpanContext.ThreadFrame;
        span._saved = frame;
        frame.TraceHigh = parent.TraceHigh;
        frame.TraceLow = parent.TraceLow;
        frame.SpanId = spanId;
        frame.AsyncAtEntry = asyncFrame;
        frame.Active = true;
        frame.Sampled = parent.Sampled;

        span._sampled = parent.Sampled;
        span._record.Begin(site, parent, spanId);

        return span;
    }

    /// <summary>Stores a captured argument (call only when <see cref="IsSampled"/>).</summary>
    public void SetArgument(int index, CapturedValue value) => _record.SetArgument(index, value);

    /// <summary>Stores the captured return value (call only when <see cref="IsSampled"/>).</summary>
    public void SetResult(CapturedValue value)
    {
        _record.Result = value;
        _record.HasResult = true;
    }

    /// <summary>Restores the span that was current on this thread before <see cref="Start"/>.</summary>
    public readonly void Exit() => SpanContext.ThreadFrame = _saved;

    /// <summary>Ends a sampled call that returned normally and queues its record.</summary>
    public void Complete()
    {
        if (!_sampled)
        {
            return;
        }

        _record.EndTimestamp = Stopwatch.GetTimestamp();
        _record.ThreadId = Environment.CurrentManagedThreadId;
        RecordQueue.Enqueue(ref _record);
    }

    /// <summary>
    /// Records the exception (always, sampled or not) and returns <see langword="false"/>, so that as an exception
    /// filter it never catches: the original exception continues unchanged, with its stack trace.
    /// </summary>
    public bool Fail(Exception exception)
    {
        SpanRecorder.RecordFailure(ref _record, exception, _sampled);
        return false;
    }
}
