using System;
using System.Diagnostics;
using System.Threading.Tasks;
using Instrumentor.Activities;

namespace Instrumentor.Runtime;

/// <summary>Fills the outcome fields of a record; shared by the sync and async spans.</summary>
internal static class SpanRecorder
{
    /// <summary>Marks a record as failed with <paramref name="exception"/>.</summary>
    /// <remarks>
    /// An unsampled call took no start timestamp: its record gets the time of the failure as its start and no
    /// end, so the store shows a NULL duration ("not measured") rather than a wrong one.
    /// </remarks>
    /// <summary>Marks the record failed and queues it; never throws (tracing never changes the traced code).</summary>
    internal static void RecordFailure(ref SpanRecord record, Exception exception, bool sampled, Activity? activity = null, Activity? activityBefore = null)
    {
        try
        {
            MarkFailed(ref record, exception, sampled);
            if (activity is not null)
            {
                ActivityBridge.End(activity, in record, exception, activityBefore);
            }

            RecordQueue.Enqueue(ref record);
        }
        catch
        {
            // Nothing the tracer does may reach the caller.
        }
    }

    internal static void MarkFailed(ref SpanRecord record, Exception exception, bool sampled)
    {
        long now = SpanClock.Now();
        if (sampled)
        {
            record.EndTimestamp = now;
        }
        else
        {
            record.StartTimestamp = now;
            record.EndTimestamp = 0;
        }

        record.Status = SpanStatus.Error;
        record.Exception = exception;
        record.ThreadId = Environment.CurrentManagedThreadId;
    }

    /// <summary>Runs a result capture chosen at compile time; a capture that throws is stored as its error.</summary>
    internal static CapturedValue CaptureSafely<T>(Func<T, CapturedValue> capture, T value)
    {
        try
        {
            return capture(value);
        }
        catch (Exception ex)
        {
            return CapturedValue.FromText("<error: " + ex.Message + ">");
        }
    }

    /// <summary>The exception a faulted or canceled task ends with, as an <c>await</c> of it would throw it.</summary>
    internal static Exception ExceptionOf(Task task)
    {
        if (task.IsCanceled)
        {
            // The real OperationCanceledException (with its token) is only reachable by awaiting.
            try
            {
                task.GetAwaiter().GetResult();
            }
            catch (Exception ex)
            {
                return ex;
            }

            return new TaskCanceledException(task);
        }

        AggregateException aggregate = task.Exception!;
        return aggregate.InnerExceptions.Count == 1 ? aggregate.InnerExceptions[0] : aggregate;
    }
}
