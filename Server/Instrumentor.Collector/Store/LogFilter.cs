namespace Instrumentor.Collector.Store;

/// <summary>What <c>GET /api/logs</c> selects: every field is optional; times in µs since the Unix epoch.</summary>
internal sealed class LogFilter
{
    /// <summary>Only lines of this trace (32 lowercase hex).</summary>
    public string? TraceId { get; init; }

    /// <summary>Only lines logged inside this span (16 lowercase hex).</summary>
    public string? SpanId { get; init; }

    /// <summary>Only lines of this level (case-insensitive: <c>Error</c>, <c>error</c>).</summary>
    public string? Level { get; init; }

    /// <summary>Text searched in the message, the logger, the exception and the attributes.</summary>
    public string? Search { get; init; }

    public long? FromMicroseconds { get; init; }

    public long? ToMicroseconds { get; init; }

    public int Limit { get; init; } = 50;

    /// <summary>The keyset position to continue after (older lines only).</summary>
    public SpanCursor? Before { get; init; }
}
