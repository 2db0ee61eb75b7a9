using System.Collections.Generic;

namespace Instrumentor.Testing;

/// <summary>A span as a test sees it: ids in hex, values formatted as the store would hold them.</summary>
internal sealed record RecordedSpan(
    string Process,
    string? ProcessGroup,
    string TraceId,
    string SpanId,
    string? ParentSpanId,
    string Status,
    long? DurationNs,
    string? ExceptionType,
    string? ExceptionMessage,
    IReadOnlyDictionary<string, string?> Inputs,
    bool HasResult,
    string? Result,
    int ThreadId);
