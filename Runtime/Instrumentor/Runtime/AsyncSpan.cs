using System;
using System.ComponentModel;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using Instrumentor.Activities;

namespace Instrumentor.Runtime;

/// <summary>
/// The span of one monitored call that returns a task: it ends when the task completes. It is also the frame
/// that nested calls see as their parent, flowing through <c>await</c> in an AsyncLocal.
/// </summary>
/// <remarks>
/// The generated wrapper calls the target synchronously between <see cref="Start"/> and <see cref="Exit"/>, then
/// hands the task to <c>Track</c>: a task that is already complete is recorded at once and returned as is; a
/// pending one gets one continuation that records it, and the caller still receives the original task.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class AsyncSpan : AsyncSpanFrame
{
    private SpanRecord _record;
    private AsyncSpanFrame? _savedFrame;
    private ExecutionContext? _contextBefore;
    private ExecutionContext? _contextPublished;
    private Delegate? _captureResult;
    private PendingFailure? _pending;
    // Set only while something listens to the OpenTelemetry bridge: the call's activity, and the one it replaced.
    private Activity? _activity;
    private Activity? _activityBefore;

    private AsyncSpan(MonitorSite site, in ParentSpan parent, ulong spanId)
        : base(parent.TraceHigh, parent.TraceLow, spanId, parent.Sampled)
    {
        _record.Begin(site, parent, spanId);
        _record.ThreadId = Environment.CurrentManagedThreadId;
    }

    // The span of an activity: its ids are the activity's (see ActivityBridge), its record was begun already.
    private AsyncSpan(in SpanRecord record, Activity activity, Activity? before)
        : base(record.TraceHigh, record.TraceLow, record.SpanId, sampled: true)
    {
        _record = record;
        _activity = activity;
        _activityBefore = before;
    }

    /// <summary>The parent's span id (0 for a root), for <see cref="Instrumentor.CurrentSpan"/>.</summary>
    internal ulong ParentSpanId => _record.ParentSpanId;

    /// <summary>Whether this call is recorded (its arguments and result are captured).</summary>
    public bool IsSampled => Sampled;

    /// <summary>Starts the span of a call to <paramref name="site"/> and makes it current for this async flow.</summary>
    public static AsyncSpan Start(MonitorSite site)
    {
        AsyncSpanFrame? current = SpanContext.CurrentAsyncFrame;
        ParentSpan parent = SpanContext.ResolveParent(site, current);
        if (parent.Sampled && ActivityBridge.IsListening)
        {
            return StartWithActivity(site, parent, current);
        }

        var span = new AsyncSpan(site, parent, SpanIds.NewSpanId());
        span._savedFrame = current;
        span._contextBefore = SpanContext.Publish(span, out span._contextPublished);
        return span;
    }

    /// <summary>
    /// <see cref="Start"/> with an OpenTelemetry listener: the span takes the ids of its activity, and the context
    /// to go back to at <see cref="Exit"/> is taken before the activity becomes current, so that going back
    /// restores the caller's <see cref="Activity.Current"/> too.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static AsyncSpan StartWithActivity(MonitorSite site, in ParentSpan parent, AsyncSpanFrame? current)
    {
        ExecutionContext? before = ExecutionContext.Capture();
        Activity? activityBefore = Activity.Current;
        var record = default(SpanRecord);
        record.Begin(site, parent, SpanIds.NewSpanId());
        record.ThreadId = Environment.CurrentManagedThreadId;
        Activity? activity = ActivityBridge.Start(ref record);
        AsyncSpan span = activity is null ? new AsyncSpan(site, parent, record.SpanId) : new AsyncSpan(record, activity, activityBefore);
        span._savedFrame = current;
        span._contextBefore = SpanContext.Publish(span, before, out span._contextPublished);
        return span;
    }

    /// <summary>Stores a captured argument (call only when <see cref="IsSampled"/>).</summary>
    public void SetArgument(int index, CapturedValue value) => _record.SetArgument(index, value);

    /// <summary>
    /// Restores the async frame that was current before <see cref="Start"/>; call once the target returned (or threw:
    /// the failure is then queued).
    /// </summary>
    public void Exit()
    {
        SpanContext.Unpublish(_savedFrame, _contextBefore, _contextPublished);
        if (_activity is not null)
        {
            // The call changed the context too (Unpublish then sets back the frame only): the caller's activity.
            ActivityBridge.Restore(_activityBefore);
        }

        // Work started by the call captured this span with its context and may outlive it: it keeps nothing else.
        _savedFrame = null;
        _contextBefore = _contextPublished = null;
        _pending?.Send();
    }

    /// <summary>Records a synchronous throw from the target; returns <see langword="false"/> (use as an exception filter).</summary>
    /// <remarks>The record is queued by <see cref="Exit"/>, so that it holds the exception that leaves the call (see <see cref="SyncSpan.Fail"/>).</remarks>
    public bool Fail(Exception exception)
    {
        try
        {
            if (_pending is not null)
            {
                _pending.Replace(exception);
            }
            else
            {
                SpanRecorder.MarkFailed(ref _record, exception, Sampled);
                _pending = PendingFailure.Hold(ref _record);
                if (_activity is not null)
                {
                    _pending.EndsActivity(_activity, _activityBefore);
                }

                Release();
            }
        }
        catch
        {
            // Nothing the tracer does may reach the caller.
        }

        return false;
    }

    /// <summary>Ends the span when <paramref name="task"/> completes; returns <paramref name="task"/> itself.</summary>
    public Task Track(Task task)
    {
        if (task is null || task.IsCompleted)
        {
            Finish(task);
        }
        else
        {
            ContinueInOrder(task, static (t, state) => ((AsyncSpan)state!).Finish(t));
        }

        return task!;
    }

    /// <summary>Ends the span when <paramref name="task"/> completes, capturing its result; returns <paramref name="task"/>.</summary>
    public Task<T> Track<T>(Task<T> task, Func<T, CapturedValue>? captureResult)
    {
        _captureResult = captureResult;
        if (task is null || task.IsCompleted)
        {
            Finish(task);
        }
        else
        {
            ContinueInOrder(task, static (t, state) => ((AsyncSpan)state!).Finish((Task<T>)t));
        }

        return task!;
    }

    /// <summary>
    /// Ends the span when the task completes, before the caller's <c>await</c> resumes: a synchronous continuation
    /// registered before the caller's runs first and inline, so a <c>FlushAsync</c> after the await sees the span. (An
    /// await-style continuation, <c>UnsafeOnCompleted</c>, would save the continuation task, but when a task has several,
    /// the runtime queues all but the first await-style one to the thread pool, so the caller could resume first.) It
    /// also runs in the call's own context, so ending an OpenTelemetry activity never touches the completing thread's.
    /// </summary>
    private void ContinueInOrder(Task task, Action<Task, object?> finish) =>
        task.ContinueWith(finish, this, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

    /// <summary>Ends the span when <paramref name="task"/> completes.</summary>
    public ValueTask Track(ValueTask task)
    {
        if (task.IsCompletedSuccessfully)
        {
            Finish((Task?)null);
            return task;
        }

        return new ValueTask(Track(task.AsTask()));
    }

    /// <summary>Ends the span when <paramref name="task"/> completes, capturing its result.</summary>
    public ValueTask<T> Track<T>(ValueTask<T> task, Func<T, CapturedValue>? captureResult)
    {
        if (task.IsCompletedSuccessfully)
        {
            if (Sampled && captureResult is not null)
            {
                SetResult(SpanRecorder.CaptureSafely(captureResult, task.Result));
            }

            Finish((Task?)null);
            return task;
        }

        return new ValueTask<T>(Track(task.AsTask(), captureResult));
    }

    private void Finish<T>(Task<T>? task)
    {
        // Typed so the result is read without boxing or reflection; the capture was chosen at compile time.
        if (Sampled && task is not null && task.IsCompletedSuccessfully && _captureResult is Func<T, CapturedValue> capture)
        {
            SetResult(SpanRecorder.CaptureSafely(capture, task.Result));
        }

        Finish((Task?)task);
    }

    private void Finish(Task? task)
    {
        if (_pending is not null)
        {
            // The target threw, the exception was swallowed inside it, and it returned a task anyway: the span
            // recorded its failure when the frame unwound; one record per span.
            return;
        }

        try
        {
            if (task is null || task.IsCompletedSuccessfully)
            {
                if (Sampled)
                {
                    _record.EndTimestamp = SpanClock.Now();
                    if (_activity is not null)
                    {
                        ActivityBridge.End(_activity, in _record, null, _activityBefore);
                    }

                    RecordQueue.Enqueue(ref _record);
                }
            }
            else
            {
                Finish(SpanRecorder.ExceptionOf(task));
            }
        }
        catch
        {
            // Tracing never changes the behaviour of the traced code.
        }

        Release();
    }

    private void Finish(Exception exception) => SpanRecorder.RecordFailure(ref _record, exception, Sampled, _activity, _activityBefore);

    /// <summary>
    /// Drops every reference the ended span holds. The span is the async frame that work started inside the call
    /// captured with its <see cref="ExecutionContext"/>; a background loop may keep that context for ever, and it
    /// must not keep the captured arguments, the result or the exception alive with it.
    /// </summary>
    private void Release()
    {
        _record = default;
        _captureResult = null;
        _activity = _activityBefore = null;
    }

    private void SetResult(CapturedValue value)
    {
        _record.Result = value;
        _record.HasResult = true;
    }
}
