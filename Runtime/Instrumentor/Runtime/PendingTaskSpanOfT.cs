using System;
using System.Diagnostics;
using System.Threading.Tasks;

namespace Instrumentor.Runtime;

/// <summary>A <see cref="PendingTaskSpan"/> of a <see cref="Task{TResult}"/>: reads the result without boxing, with the capture chosen at compile time.</summary>
internal sealed class PendingTaskSpan<T> : PendingTaskSpan
{
    private readonly Func<T, CapturedValue>? _captureResult;

    internal PendingTaskSpan(Task<T> task, ref SpanRecord record, bool sampled, Activity? activity, Func<T, CapturedValue>? captureResult)
        : base(task, ref record, sampled, activity) => _captureResult = captureResult;

    private protected override void CaptureResult(ref SpanRecord record)
    {
        if (_captureResult is not null)
        {
            record.Result = SpanRecorder.CaptureSafely(_captureResult, ((Task<T>)Task).Result);
            record.HasResult = true;
        }
    }
}
