using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;

namespace Instrumentor.Runtime;

/// <summary>
/// The span of a call to a method whose sample rate is 0 (known at compile time) when it starts a trace: nothing is
/// recorded unless it fails, so the wrapper needs only the thread's frame, set and restored, and a key. The generator
/// emits it in front of the full wrapper:
/// <code>
/// if (!UnsampledSpan.TryStart(out var frame)) return FullWrapper(args);   // inside a trace: the trace decides
/// try { return Target(args); }
/// catch (Exception ex) when (frame.Fail(ex, site)) { throw; }
/// finally { frame.Exit(); }
/// </code>
/// </summary>
/// <remarks>
/// It carries one reference (the pending failure, set only when the call fails), so the wrapper's frame zeroes
/// 16 bytes instead of the ~300 of a <see cref="SyncSpan"/>. Its children see the same frame an unsampled
/// <see cref="SyncSpan"/> root leaves (a lazy trace of its key): they are not sampled, and a failure anywhere in the
/// trace derives the same ids.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public struct UnsampledSpan
{
    private ulong _key;
    private PendingFailure? _pending;

    /// <summary>
    /// Starts the span and returns <see langword="true"/> when the call is a root (no monitored call is running on this
    /// thread or in this async flow); otherwise changes nothing and returns <see langword="false"/>: the full wrapper
    /// then runs, and the call follows its parent's sampling.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryStart(out UnsampledSpan span)
    {
        span._pending = null;
        ref ThreadTraceState thread = ref ThreadTraceState.Current;
        if (thread.Frame.Active || SpanContext.CurrentAsyncFrame is not null)
        {
            span._key = 0;
            return false;
        }

        ulong key = thread.NextKey();
        span._key = key;
        // The trace id is not drawn: children and a failure derive it from this key (SpanContext.TraceOf).
        thread.Frame = new ThreadSpanFrame { TraceLow = key, SpanKey = key, Active = true, TraceLazy = true };
        return true;
    }

    /// <summary>
    /// Restores the thread's frame (no monitored call was running: <see cref="TryStart"/> started only then) and
    /// queues the failure if the call is leaving with an exception.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly void Exit()
    {
        ThreadTraceState.Unchecked.Frame = default;
        if (_pending is not null)
        {
            _pending.Send();
        }
    }

    /// <summary>
    /// Records the exception and returns <see langword="false"/>, so that as an exception filter it never catches;
    /// the record is queued when the frame unwinds (see <see cref="SyncSpan.Fail"/>, which this mirrors).
    /// </summary>
    public bool Fail(Exception exception, MonitorSite site)
    {
        try
        {
            if (_pending is not null)
            {
                _pending.Replace(exception);
                return false;
            }

            SpanContext.LazyRootTrace(_key, out ulong traceHigh, out ulong traceLow, out ulong parentSpanId);
            var record = default(SpanRecord);
            record.Site = site;
            record.Start(traceHigh, traceLow, SpanIds.SpanIdOf(_key), parentSpanId, timestamp: 0);
            SpanRecorder.MarkFailed(ref record, exception, sampled: false);
            _pending = PendingFailure.Hold(ref record);
        }
        catch
        {
            // Nothing the tracer does may reach the caller.
        }

        return false;
    }
}
