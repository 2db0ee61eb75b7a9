namespace Instrumentor.Collector.Store;

/// <summary>A validated log line (ids 0 when absent, time in µs since the Unix epoch).</summary>
internal sealed record LogEntry(
    long TimestampMicroseconds, string? Level, string? Logger, string? Message,
    ulong TraceHigh, ulong TraceLow, ulong SpanId, ulong ParentSpanId,
    string? Exception, string? Attributes, string? Service);
