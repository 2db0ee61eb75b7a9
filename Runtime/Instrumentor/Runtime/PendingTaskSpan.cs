using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using Instrumentor.Activities;

namespace Instrumentor.Runtime;

/// <summary>
/// The rest of a <see cref="SyncSpan"/> whose call returned a task still running (<see cref="SyncSpan.Track(Task)"/>):
/// the record moves here from the caller's stack and is queued when the task completes. The allocations of such a
/// call: this object and its continuation.
/// </summary>
internal class PendingTaskSpan
{
    private readonly Task _task;
    private readonly bool _sampled;
    private SpanRecord _record;
    private Activity? _activity;

    private protected PendingTaskSpan(Task task, ref SpanRecord record, bool sampled, Activity? activity)
    {
        _task = task;
        _record = record;
        _sampled = sampled;
        _activity = activity;
    }

    /// <summary>Moves <paramref name="record"/> into a new pending span that ends when <paramref name="task"/> completes.</summary>
    internal static void Watch(Task task, ref SpanRecord record, bool sampled, Activity? activity) =>
        new PendingTaskSpan(task, ref record, sampled, activity).Register();

    /// <summary>Like <see cref="Watch"/>, capturing the task's result.</summary>
    internal static void Watch<T>(Task<T> task, ref SpanRecord record, bool sampled, Activity? activity, Func<T, CapturedValue>? captureResult) =>
        new PendingTaskSpan<T>(task, ref record, sampled, activity, captureResult).Register();

    // A synchronous continuation, registered before the caller's await: it runs first and inline when the task
    // completes, so the span is queued before the caller resumes (AsyncSpan.ContinueInOrder says why not an
    // await-style continuation), and in the call's own context when it ends an OpenTelemetry activity.
    private void Register() =>
        _task.ContinueWith(static (_, state) => ((PendingTaskSpan)state!).Finish(), this, CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

    /// <summary>Stores the result of the completed task (sampled calls that capture it).</summary>
    private protected virtual void CaptureResult(ref SpanRecord record)
    {
    }

    private protected Task Task => _task;

    private void Finish()
    {
        Activity? activity = _activity;
        _activity = null;
        try
        {
            if (_task.IsCompletedSuccessfully)
            {
                if (_sampled)
                {
                    CaptureResult(ref _record);
                    _record.EndTimestamp = SpanClock.Now();
                    if (activity is not null)
                    {
                        ActivityBridge.End(activity, in _record, null, before: null);
                    }

                    RecordQueue.Enqueue(ref _record);
                }
            }
            else
            {
                SpanRecorder.RecordFailure(ref _record, SpanRecorder.ExceptionOf(_task), _sampled, activity, activityBefore: null);
            }
        }
        catch
        {
            // Tracing never changes the behaviour of the traced code.
        }

        _record = default;
    }
}
