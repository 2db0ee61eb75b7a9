using System;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using Instrumentor.Runtime;

namespace Instrumentor.Activities;

/// <summary>
/// The OpenTelemetry bridge: while something listens to the <see cref="ActivitySource"/> named
/// <see cref="SourceName"/> (an OpenTelemetry SDK pipeline with <c>.AddSource("Instrumentor")</c>, or any
/// <see cref="ActivityListener"/>), each sampled monitored call is also an <see cref="Activity"/> with the span's
/// own trace id, span id and parent span id, current while the call runs, so that the calls it makes (an
/// <c>HttpClient</c> request: its W3C <c>traceparent</c>) nest under it.
/// </summary>
/// <remarks>
/// <see cref="Activity"/> has no way to be given a span id, so the span takes the activity's: the activity is
/// started with the span's parent, and the span's ids are then read from it (the thread's frame keeps a span's
/// <em>key</em>, from which its id is derived; <see cref="SpanIds.KeyOf"/> gives the key of an id). A root adopts the
/// activity's trace id too. Such ids are random, so with a listener the local store's plain span id index takes
/// them at random places, not in each thread's ascending run (docs/benchmarks.md 4d measured a plain index on random
/// ids at a third of the write rate). With no listener the hot path pays one read of the source's listener list.
/// </remarks>
internal static class ActivityBridge
{
    /// <summary>The name users give to <c>AddSource</c>.</summary>
    internal const string SourceName = "Instrumentor";

    private static readonly ActivitySource s_source =
        new(SourceName, typeof(ActivityBridge).Assembly.GetName().Version?.ToString());

    /// <summary>Whether anything listens to the source: the one read the hot path pays without a listener.</summary>
    internal static bool IsListening
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => s_source.HasListeners();
    }

    /// <summary>
    /// Starts the activity of the span in <paramref name="record"/> (ids, parent and start time already set) and
    /// gives the span the activity's ids. The activity is current when this returns. Null when the listeners'
    /// sampler dropped it (the span keeps its own ids), or on any failure: tracing never reaches the caller.
    /// </summary>
    internal static Activity? Start(ref SpanRecord record)
    {
        try
        {
            MonitorSite site = record.Site!;
            ActivityContext parent = ParentOf(in record);
            DateTimeOffset start = record.StartTimestamp != 0 ? ToDateTime(record.StartTimestamp) : default;
            Activity? activity = s_source.StartActivity(site.Process, ActivityKind.Internal, parent, startTime: start);
            if (activity is null)
            {
                return null;
            }

            if (activity.IdFormat != ActivityIdFormat.W3C)
            {
                // A hierarchical parent made a non-W3C id, which the span cannot carry: no activity then.
                activity.Stop();
                return null;
            }

            if (record.ParentSpanId == 0)
            {
                SpanIds.FromActivity(activity.TraceId, out record.TraceHigh, out record.TraceLow);
            }

            record.SpanId = SpanIds.FromActivity(activity.SpanId);
            return activity;
        }
        catch
        {
            return null;
        }
    }

    /// <summary>
    /// Ends <paramref name="activity"/> with what <paramref name="record"/> holds (arguments as captured, masked
    /// ones masked; the error and its <c>exception</c> event when <paramref name="exception"/> is set) and
    /// puts back the activity that was current before it (<paramref name="before"/>) when it is still current.
    /// Never throws.
    /// </summary>
    internal static void End(Activity activity, in SpanRecord record, Exception? exception, Activity? before)
    {
        Activity? current = Activity.Current;
        try
        {
            if (activity.IsAllDataRequested)
            {
                Describe(activity, in record, exception);
            }

            if (record.EndTimestamp != 0 && record.StartTimestamp != 0)
            {
                activity.SetEndTime(ToDateTime(record.EndTimestamp).UtcDateTime);
            }

            activity.Stop();
        }
        catch
        {
            // A listener's callback threw: tracing never changes the traced code.
        }

        // Stop makes the activity's Parent current, which is null for a parent given by ids: restore it ourselves.
        Restore(ReferenceEquals(current, activity) ? before : current);
    }

    /// <summary>Makes <paramref name="activity"/> current again unless it already is (or cannot be: it stopped).</summary>
    internal static void Restore(Activity? activity)
    {
        if (!ReferenceEquals(Activity.Current, activity) && (activity is null || !activity.IsStopped))
        {
            Activity.Current = activity;
        }
    }

    /// <summary>The activity context of the span's parent; default when the activity should find it itself.</summary>
    private static ActivityContext ParentOf(in SpanRecord record)
    {
        if (record.ParentSpanId == 0)
        {
            // A root: there was no W3C Activity.Current to adopt, so the activity starts a trace of its own.
            return default;
        }

        Activity? current = Activity.Current;
        if (current is not null && current.IdFormat == ActivityIdFormat.W3C
            && SpanIds.FromActivity(current.SpanId) == record.ParentSpanId)
        {
            // The parent is the current activity (adopted, or a monitored call's): it carries its own sampling
            // flags and trace state, and becomes the activity's Parent.
            return default;
        }

        // A monitored parent that has no activity (it started before the listener) or is not current here.
        Span<byte> bytes = stackalloc byte[16];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(bytes, record.TraceHigh);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(bytes.Slice(8), record.TraceLow);
        ActivityTraceId traceId = ActivityTraceId.CreateFromBytes(bytes);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(bytes, record.ParentSpanId);
        ActivitySpanId spanId = ActivitySpanId.CreateFromBytes(bytes.Slice(0, 8));
        return new ActivityContext(traceId, spanId, ActivityTraceFlags.Recorded);
    }

    private static void Describe(Activity activity, in SpanRecord record, Exception? exception)
    {
        MonitorSite site = record.Site!;
        SiteCodeNames names = site.CodeNames ??= SiteCodeNames.Of(site.Process, site.Signature, site.ParameterNames);
        activity.SetTag("code.namespace", names.CodeNamespace);
        activity.SetTag("code.function", names.Function);
        int count = Math.Min(record.ArgumentCount, names.ArgumentTags.Length);
        for (int i = 0; i < count; i++)
        {
            activity.SetTag(names.ArgumentTags[i], CapturedValueFormatter.Format(record.GetArgument(i), site.MaxLength));
        }

        if (exception is not null)
        {
            activity.SetStatus(ActivityStatusCode.Error, RecordText.Describe(exception));
            activity.AddException(exception);
        }
    }

    private static DateTimeOffset ToDateTime(long timestamp) =>
        DateTimeOffset.UnixEpoch.AddTicks(TimestampClock.ToUnixMicroseconds(timestamp) * TimeSpan.TicksPerMicrosecond);
}
