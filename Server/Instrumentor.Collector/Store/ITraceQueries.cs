using System.Collections.Generic;
using Instrumentor.Collector.Json;

namespace Instrumentor.Collector.Store;

/// <summary>The read side of a store: what the query API, <c>tail</c> and <c>stats</c> ask. Thread-safe.</summary>
internal interface ITraceQueries
{
    /// <summary>A page of spans matching <paramref name="filter"/>, newest first; <c>HasMore</c> when older ones match too.</summary>
    (IReadOnlyList<SpanItem> Items, bool HasMore) Spans(SpanFilter filter);

    /// <summary>One span with its logs and source location; null when it does not exist.</summary>
    SpanDetail? Span(string spanId, string? traceId);

    /// <summary>Every span of a trace, in start order (empty when unknown).</summary>
    IReadOnlyList<SpanItem> Trace(string traceId);

    /// <summary>Per-process counts and latency percentiles in a time range, with <paramref name="buckets"/> time buckets each.</summary>
    IReadOnlyList<StatsItem> Stats(long? fromMicroseconds, long? toMicroseconds, string? process, int buckets);

    /// <summary>Processes and parent → child process edges in a time range.</summary>
    GraphAnswer Graph(long? fromMicroseconds, long? toMicroseconds);

    /// <summary>Totals for <c>/api/status</c>: spans stored, oldest and newest start, spans and errors since a time.</summary>
    StoreFacts Facts(long recentSinceMicroseconds);

    /// <summary>Spans stored after row <paramref name="afterRowId"/>, in insertion order (the live feed).</summary>
    IReadOnlyList<SpanItem> SpansAfter(long afterRowId, int limit);

    /// <summary>The newest row id (0 when empty): where a live feed starts.</summary>
    long LastRowId();
}
