using System;
using System.ComponentModel;
using System.Diagnostics;
using System.Runtime.CompilerServices;

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
    /// <remarks>
    /// Inlined into the wrapper so the span is filled in place in the wrapper's frame: returning a ~300-byte struct
    /// that holds references from a call costs a second zeroing and a copy with write barriers.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static SyncSpan Start(MonitorSite site)
    {
        SyncSpan span = default;
        span.Begin(site);
        return span;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Begin(MonitorSite site)
    {
        AsyncSpanFrame? asyncFrame = SpanContext.CurrentAsyncFrame;
        // Each [ThreadStatic] access is a runtime call: fetch the frame slot and the id generator once.
        ref ThreadSpanFrame frame = ref SpanContext.ThreadFrame;
        ref SpanIds.Xoshiro random = ref SpanIds.ThreadRandom;
        ParentSpan parent = SpanContext.ResolveParent(site, asyncFrame, ref frame, ref random);
        ulong spanId = SpanIds.NewSpanId(ref random);

        _saved = frame;
        frame.TraceHigh = parent.TraceHigh;
        frame.TraceLow = parent.TraceLow;
        frame.SpanId = spanId;
        frame.AsyncAtEntry = asyncFrame;
        frame.Active = true;
        frame.Sampled = parent.Sampled;

        _sampled = parent.Sampled;
        _record.Begin(site, parent, spanId);
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
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Complete()
    {
        if (_sampled)
        {
            CompleteSampled();
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void CompleteSampled()
    {
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
