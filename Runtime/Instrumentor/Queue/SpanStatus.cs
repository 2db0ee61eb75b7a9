namespace Instrumentor;

/// <summary>The outcome of a monitored call, stored as <c>OK</c> or <c>ERR</c>.</summary>
internal enum SpanStatus : byte
{
    /// <summary>Returned (or its task completed) normally.</summary>
    Ok = 0,
    /// <summary>Threw, or its task faulted or was cancelled.</summary>
    Error = 1,
}
