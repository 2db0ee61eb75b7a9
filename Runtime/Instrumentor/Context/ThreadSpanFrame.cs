namespace Instrumentor;

/// <summary>
/// The span of the innermost synchronous monitored call running on this thread, kept in
/// <see cref="ThreadTraceState"/> (a <c>[ThreadStatic]</c> slot: a few ns to set and restore, no allocation)
/// instead of an AsyncLocal (70 ns, 72 B). It holds no reference, so saving and restoring it is a plain copy
/// without GC write barriers.
/// </summary>
/// <remarks>
/// <see cref="AsyncAtEntry"/> remembers the async frame that was current when the sync call started (by its span
/// id): a continuation of another async flow that runs inline on this thread sees a different async frame and so
/// does not adopt this sync call as its parent.
/// An unsampled root does not draw its trace id (<see cref="TraceLazy"/>): <see cref="TraceLow"/> then holds the
/// root's key, and the id is derived from it only if a span of the trace fails (<see cref="SpanContext.TraceOf"/>).
/// </remarks>
internal struct ThreadSpanFrame
{
    internal ulong TraceHigh;
    /// <summary>The low half of the trace id, or the root's key when <see cref="TraceLazy"/>.</summary>
    internal ulong TraceLow;
    /// <summary>The key of this span: its id is <see cref="SpanIds.SpanIdOf"/> of it.</summary>
    internal ulong SpanKey;
    /// <summary>The span id of the async frame current at entry; 0 when there was none.</summary>
    internal ulong AsyncAtEntry;
    internal bool Active;
    internal bool Sampled;
    internal bool TraceLazy;
}
