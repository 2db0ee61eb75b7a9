using System.ComponentModel;

namespace Instrumentor.Runtime;

/// <summary>
/// The span of an async monitored call as seen by the calls nested in it: it flows through <c>await</c> in an
/// <see cref="System.Threading.AsyncLocal{T}"/>. Immutable, so any thread may read it.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public class AsyncSpanFrame
{
    internal AsyncSpanFrame(ulong traceHigh, ulong traceLow, ulong spanId, bool sampled)
    {
        TraceHigh = traceHigh;
        TraceLow = traceLow;
        SpanId = spanId;
        Sampled = sampled;
    }

    internal ulong TraceHigh { get; }

    internal ulong TraceLow { get; }

    internal ulong SpanId { get; }

    internal bool Sampled { get; }
}
