namespace Instrumentor;

/// <summary>The trace a new span joins, its parent span id (0 for a root) and whether it is sampled.</summary>
internal readonly struct ParentSpan
{
    internal ParentSpan(ulong traceHigh, ulong traceLow, ulong parentSpanId, bool sampled)
    {
        TraceHigh = traceHigh;
        TraceLow = traceLow;
        ParentSpanId = parentSpanId;
        Sampled = sampled;
    }

    internal ulong TraceHigh { get; }

    internal ulong TraceLow { get; }

    internal ulong ParentSpanId { get; }

    internal bool Sampled { get; }
}
