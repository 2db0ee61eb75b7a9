using System.Collections.Generic;
using Instrumentor.Collector.Json;

namespace Instrumentor.Collector.Store;

/// <summary>The read side of the log lines: what <c>GET /api/logs</c> asks. Thread-safe.</summary>
internal interface ILogQueries
{
    /// <summary>
    /// A page of log lines matching <paramref name="filter"/>, newest first, with the keyset position of the last one;
    /// <c>HasMore</c> when older ones match too.
    /// </summary>
    (IReadOnlyList<LogItem> Items, SpanCursor? Last, bool HasMore) Logs(LogFilter filter);
}
