namespace Instrumentor.Collector.Store;

/// <summary>What <c>GET /api/spans</c> asks for (times in µs since the Unix epoch, <c>To</c> exclusive).</summary>
internal sealed record SpanFilter
{
    public long? FromMicroseconds { get; init; }
    public long? ToMicroseconds { get; init; }
    public string? Process { get; init; }
    /// <summary>OK, ERR, or null for both.</summary>
    public string? Status { get; init; }
    public string? Service { get; init; }
    /// <summary>Text searched in process names, captured values and exceptions.</summary>
    public string? Search { get; init; }
    public int Limit { get; init; } = 50;
    /// <summary>Keyset position: only spans strictly older than this (start, row id).</summary>
    public SpanCursor? Before { get; init; }
}
