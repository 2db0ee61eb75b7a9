using Instrumentor.Runtime;

namespace Instrumentor.Sessions.Context;

/// <summary>
/// The span a session event happens in, found the way a new [Monitor] span finds its parent: the innermost sync
/// monitored call of this thread if it belongs to this async flow, else the current async monitored call, else
/// <see cref="System.Diagnostics.Activity.Current"/>.
/// </summary>
internal static class AmbientSpan
{
    internal static bool TryGet(out string? traceId, out string? spanId)
    {
        AsyncSpanFrame? asyncFrame = SpanContext.CurrentAsyncFrame;
        ref ThreadTraceState state = ref ThreadTraceState.Current;
        ref ThreadSpanFrame frame = ref state.Frame;
        ulong high, low, span;
        if (frame.Active && frame.AsyncAtEntry == SpanContext.IdOf(asyncFrame))
        {
            SpanContext.TraceOf(in frame, out high, out low);
            span = SpanIds.SpanIdOf(frame.SpanKey);
        }
        else if (asyncFrame is not null)
        {
            high = asyncFrame.TraceHigh;
            low = asyncFrame.TraceLow;
            span = asyncFrame.SpanId;
        }
        else if (!SpanContext.AdoptActivity(out high, out low, out span))
        {
            traceId = spanId = null;
            return false;
        }

        traceId = TraceId(high, low);
        spanId = SpanText.Hex(span);
        return true;
    }

    internal static string TraceId(ulong high, ulong low) => SpanText.Hex(high) + SpanText.Hex(low);
}
