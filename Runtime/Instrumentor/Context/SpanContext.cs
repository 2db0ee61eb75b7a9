using System.Diagnostics;
using System.Threading;
using Instrumentor.Runtime;

namespace Instrumentor;

/// <summary>
/// Where the current span lives, and how a new span finds its parent: the innermost sync frame of this thread
/// if it belongs to the current async flow, else the current async frame, else <see cref="Activity.Current"/>
/// (its trace id and span id are adopted), else the call is a root.
/// </summary>
internal static class SpanContext
{
    private static readonly AsyncLocal<AsyncSpanFrame?> s_asyncFrame = new();

    // Reading an AsyncLocal costs a few ns; a process that never runs an async monitored method skips it.
    private static volatile bool s_asyncFramesUsed;

    /// <summary>The async frame of the current flow, or <see langword="null"/>.</summary>
    internal static AsyncSpanFrame? CurrentAsyncFrame => s_asyncFramesUsed ? s_asyncFrame.Value : null;

    /// <summary>Makes <paramref name="frame"/> current for this async flow.</summary>
    internal static void SetAsyncFrame(AsyncSpanFrame? frame)
    {
        s_asyncFramesUsed = true;
        s_asyncFrame.Value = frame;
    }

    /// <summary>
    /// Makes <paramref name="frame"/> current for this flow, so that the <see cref="ExecutionContext"/> captured by
    /// work started from here (tasks, thread-pool items, threads, timers, await continuations) carries it. Returns
    /// the context to go back to (null when the flow is suppressed) and, in <paramref name="published"/>, the
    /// context this write produced.
    /// </summary>
    internal static ExecutionContext? Publish(AsyncSpanFrame frame, out ExecutionContext? published) =>
        Publish(frame, ExecutionContext.Capture(), out published);

    /// <summary>
    /// <see cref="Publish(AsyncSpanFrame, out ExecutionContext?)"/> going back to <paramref name="before"/>, a context
    /// captured earlier (before the span's OpenTelemetry activity became current, so that going back restores that too).
    /// </summary>
    internal static ExecutionContext? Publish(AsyncSpanFrame frame, ExecutionContext? before, out ExecutionContext? published)
    {
        SetAsyncFrame(frame);
        published = before is null ? null : ExecutionContext.Capture();
        return before;
    }

    /// <summary>
    /// Undoes <see cref="Publish(AsyncSpanFrame, out ExecutionContext?)"/>. When nothing else changed the context since (the common case: the code in
    /// between set no AsyncLocal of its own, or was an async method, whose changes never leak to its caller), the
    /// very context of before is put back, which allocates nothing; otherwise only our AsyncLocal is set back,
    /// so the other changes are kept, as they would be without tracing.
    /// </summary>
    internal static void Unpublish(AsyncSpanFrame? saved, ExecutionContext? before, ExecutionContext? published)
    {
        if (before is not null && ReferenceEquals(ExecutionContext.Capture(), published))
        {
            ExecutionContext.Restore(before);
        }
        else
        {
            s_asyncFrame.Value = saved;
        }
    }

    /// <summary>How a sync frame names the async frame it started under: by its span id, 0 for none.</summary>
    internal static ulong IdOf(AsyncSpanFrame? asyncFrame) => asyncFrame is null ? 0 : asyncFrame.SpanId;

    /// <summary>
    /// Finds the parent of an async or enumeration span starting now and decides whether it is sampled. Such a
    /// span is an object that nested calls see as their parent, so its ids are drawn now.
    /// </summary>
    internal static ParentSpan ResolveParent(MonitorSite site, AsyncSpanFrame? asyncFrame)
    {
        ref ThreadTraceState state = ref ThreadTraceState.Current;
        ref ThreadSpanFrame frame = ref state.Frame;
        if (frame.Active && frame.AsyncAtEntry == IdOf(asyncFrame))
        {
            TraceOf(in frame, out ulong high, out ulong low);
            return new ParentSpan(high, low, SpanIds.SpanIdOf(frame.SpanKey), frame.Sampled);
        }

        if (asyncFrame is not null)
        {
            return FromAsyncFrame(asyncFrame);
        }

        bool sampled = site.SampleRoot(ref state);
        if (AdoptActivity(out ulong activityHigh, out ulong activityLow, out ulong activitySpanId))
        {
            return new ParentSpan(activityHigh, activityLow, activitySpanId, sampled);
        }

        SpanIds.NewTraceId(out ulong traceHigh, out ulong traceLow);
        return new ParentSpan(traceHigh, traceLow, 0, sampled);
    }

    /// <summary>The parent given by an async frame.</summary>
    internal static ParentSpan FromAsyncFrame(AsyncSpanFrame asyncFrame) =>
        new(asyncFrame.TraceHigh, asyncFrame.TraceLow, asyncFrame.SpanId, asyncFrame.Sampled);

    /// <summary>The trace id of the span described by <paramref name="frame"/>, resolving a lazy one.</summary>
    internal static void TraceOf(in ThreadSpanFrame frame, out ulong high, out ulong low)
    {
        if (frame.TraceLazy)
        {
            LazyRootTrace(frame.TraceLow, out high, out low, out _);
        }
        else
        {
            high = frame.TraceHigh;
            low = frame.TraceLow;
        }
    }

    /// <summary>
    /// The trace of a root that was not sampled, resolved only when a span of it fails (or an async span starts
    /// under it): the <see cref="Activity.Current"/> of that moment if there is one, else an id derived from the
    /// root's key. Every span of the trace resolves it the same way, so they agree.
    /// </summary>
    internal static void LazyRootTrace(ulong rootKey, out ulong high, out ulong low, out ulong activitySpanId)
    {
        if (!AdoptActivity(out high, out low, out activitySpanId))
        {
            SpanIds.DerivedTraceId(rootKey, out high, out low);
        }
    }

    /// <summary>The trace id and span id of the current W3C <see cref="Activity"/>, if there is one.</summary>
    internal static bool AdoptActivity(out ulong traceHigh, out ulong traceLow, out ulong spanId)
    {
        Activity? activity = Activity.Current;
        if (activity is not null && activity.IdFormat == ActivityIdFormat.W3C)
        {
            SpanIds.FromActivity(activity.TraceId, out traceHigh, out traceLow);
            spanId = SpanIds.FromActivity(activity.SpanId);
            return true;
        }

        traceHigh = traceLow = spanId = 0;
        return false;
    }
}
