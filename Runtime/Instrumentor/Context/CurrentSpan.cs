using Instrumentor.Runtime;

namespace Instrumentor;

/// <summary>
/// The ids of the monitored span running here, for code that stamps its own records with them (the log provider of
/// <c>Instrumentor.Logging</c>). Read-only: it resolves the current span the way a new span finds its parent
/// (<see cref="SpanContext.ResolveParent"/>) without drawing anything.
/// </summary>
internal static class CurrentSpan
{
    /// <summary>
    /// The current sampled span: the innermost sync call of this thread if it belongs to this async flow, else the
    /// current async frame. False when there is none, or when it is not sampled (it is not stored, so nothing could
    /// link to it). The parent is known for async spans; for a sync span it is 0 (the wrapper keeps it on its stack).
    /// </summary>
    internal static bool TryGet(out ulong traceHigh, out ulong traceLow, out ulong spanId, out ulong parentSpanId)
    {
        AsyncSpanFrame? asyncFrame = SpanContext.CurrentAsyncFrame;
        ref ThreadSpanFrame frame = ref ThreadTraceState.Current.Frame;
        parentSpanId = 0;
        if (frame.Active && frame.AsyncAtEntry == SpanContext.IdOf(asyncFrame))
        {
            traceHigh = frame.TraceHigh;
            traceLow = frame.TraceLow;
            spanId = SpanIds.SpanIdOf(frame.SpanKey);
            return frame.Sampled && !frame.TraceLazy;
        }

        if (asyncFrame is not null && asyncFrame.Sampled)
        {
            traceHigh = asyncFrame.TraceHigh;
            traceLow = asyncFrame.TraceLow;
            spanId = asyncFrame.SpanId;
            parentSpanId = asyncFrame switch
            {
                AsyncSpan span => span.ParentSpanId,
                EnumerationSpan span => span.ParentSpanId,
                _ => 0,
            };
            return true;
        }

        traceHigh = traceLow = spanId = 0;
        return false;
    }
}
