using System;
using System.Diagnostics;
using System.Threading;
using Instrumentor.Activities;

namespace Instrumentor.Runtime;

/// <summary>
/// The failure record of a call whose exception filter has run but whose frame has not unwound yet. It is queued
/// when the wrapper's <c>finally</c> runs, so the exception recorded is the one that leaves the call: when a
/// <c>finally</c> of the callee throws while the first exception unwinds, the filter runs again with the new one
/// (the first is lost to the caller too), and the span records that one, once.
/// </summary>
/// <remarks>
/// While it waits it is linked into its thread's list, so that if the exception is never caught, the
/// <see cref="AppDomain.UnhandledException"/> handler (raised on that thread before any <c>finally</c> runs) queues
/// it and flushes: the record of the exception that kills the process still reaches the store.
/// </remarks>
internal sealed class PendingFailure
{
    [ThreadStatic] private static PendingFailure? t_newest;

    private static int s_hooked;

    private SpanRecord _record;
    private PendingFailure? _older;
    private PendingFailure? _newer;
    private Activity? _activity;
    private Activity? _activityBefore;
    private bool _sent;

    private PendingFailure(ref SpanRecord record) => _record = record;

    /// <summary>Holds <paramref name="record"/> (already marked failed) until <see cref="Send"/>.</summary>
    internal static PendingFailure Hold(ref SpanRecord record)
    {
        if (Volatile.Read(ref s_hooked) == 0 && Interlocked.Exchange(ref s_hooked, 1) == 0)
        {
            AppDomain.CurrentDomain.UnhandledException += static (_, _) => SendAllOfThisThread();
        }

        var failure = new PendingFailure(ref record) { _older = t_newest };
        if (t_newest is not null)
        {
            t_newest._newer = failure;
        }

        t_newest = failure;
        return failure;
    }

    /// <summary>Makes <see cref="Send"/> end the call's OpenTelemetry activity too, with the exception that left the call.</summary>
    internal void EndsActivity(Activity activity, Activity? before)
    {
        _activity = activity;
        _activityBefore = before;
    }

    /// <summary>The same call failed again before it unwound: a <c>finally</c> below it threw <paramref name="exception"/>.</summary>
    internal void Replace(Exception exception) => _record.Exception = exception;

    /// <summary>Queues the record (once), its end time being now when the call was measured.</summary>
    internal void Send()
    {
        Unlink();
        if (_sent)
        {
            return;
        }

        _sent = true;
        if (_record.EndTimestamp != 0)
        {
            _record.EndTimestamp = SpanClock.Now();
        }

        if (_activity is not null)
        {
            ActivityBridge.End(_activity, in _record, _record.Exception, _activityBefore);
            _activity = _activityBefore = null;
        }

        try
        {
            RecordQueue.Enqueue(ref _record);
        }
        catch
        {
            // Nothing the tracer does may reach the caller.
        }

        _record = default;
    }

    private void Unlink()
    {
        if (_newer is not null)
        {
            _newer._older = _older;
        }
        else if (ReferenceEquals(t_newest, this))
        {
            t_newest = _older;
        }

        if (_older is not null)
        {
            _older._newer = _newer;
        }

        _older = _newer = null;
    }

    /// <summary>Queues every failure still waiting on this thread, and flushes (the process is dying of an unhandled exception).</summary>
    internal static void SendAllOfThisThread()
    {
        if (t_newest is null)
        {
            return;
        }

        while (t_newest is { } failure)
        {
            failure.Send();
        }

        try
        {
            Monitoring.FlushAsync(TimeSpan.FromSeconds(3)).GetAwaiter().GetResult();
        }
        catch
        {
            // The process is going down; there is nothing more to do.
        }
    }
}
