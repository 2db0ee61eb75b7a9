using System;
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

    [ThreadStatic] private static ThreadSpanFrame t_frame;

    /// <summary>The sync frame slot of the calling thread.</summary>
    internal static ref ThreadSpanFrame ThreadFrame => ref t_frame;

    /// <summary>The async frame of the current flow, or <see langword="null"/>.</summary>
    internal static AsyncSpanFrame? CurrentAsyncFrame => s_asyncFramesUsed ? s_asyncFrame.Value : null;

    /// <summary>Makes <paramref name="frame"/> current for this async flow.</summary>
    internal static void SetAsyncFrame(AsyncSpanFrame? frame)
    {
        s_asyncFramesUsed = true;
        s_asyncFrame.Value = frame;
    }

    /// <summary>Finds the parent of a span starting now and decides whether it is sampled.</summary>
    internal static ParentSpan ResolveParent(MonitorSite site, AsyncSpanFrame? asyncFrame) =>
        ResolveParent(site, asyncFrame, ref t_frame, ref SpanIds.ThreadRandom);

    /// <summary>
    /// Finds the parent of a span starting now and decides whether it is sampled, given this thread's sync frame
    /// slot and random generator (fetched once by the caller: each [ThreadStatic] access costs a runtime call).
    /// </summary>
    internal static ParentSpan ResolveParent(MonitorSite site, AsyncSpanFrame? asyncFrame, ref ThreadSpanFrame frame, ref SpanIds.Xoshiro random)
    {
        if (frame.Active && ReferenceEquals(frame.AsyncAtEntry, asyncFrame))
        {
            return new ParentSpan(frame.TraceHigh, frame.TraceLow, frame.SpanId, frame.Sampled);
        }

        if (asyncFrame is not null)
        {
            return new ParentSpan(asyncFrame.TraceHigh, asyncFrame.TraceLow, asyncFrame.SpanId, asyncFrame.Sampled);
        }

        return RootOrActivity(site, ref random);
    }

    private static ParentSpan RootOrActivity(MonitorSite site, ref SpanIds.Xoshiro random)
    {
        Activity? activity = Activity.Current;
        if (activity is not null && activity.IdFormat == ActivityIdFormat.W3C)
        {
            SpanIds.FromActivity(activity.TraceId, out ulong high, out ulong low);
            return new ParentSpan(high, low, SpanIds.FromActivity(activity.SpanId), site.SampleRoot(ref random));
        }

        SpanIds.NewTraceId(ref random, out ulong traceHigh, out ulong traceLow);
        return new ParentSpan(traceHigh, traceLow, 0, site.SampleRoot(ref random));
    }
}
