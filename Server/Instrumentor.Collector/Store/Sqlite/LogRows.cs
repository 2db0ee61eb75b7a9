using Instrumentor.Collector.Json;
using Microsoft.Data.Sqlite;

namespace Instrumentor.Collector.Store.Sqlite;

/// <summary>Reads rows of <c>log</c> (ts, level, logger, message, trace_hi, trace_lo, span_id, parent_span_id, exception, attributes, service).</summary>
internal static class LogRows
{
    public static LogItem Read(SqliteDataReader row) => new(
        StoreText.Timestamp(row.GetInt64(0)),
        Text(row, 1), Text(row, 2), Text(row, 3),
        row.IsDBNull(4) ? null : StoreText.TraceId(unchecked((ulong)row.GetInt64(4)), unchecked((ulong)row.GetInt64(5))),
        row.IsDBNull(6) ? null : StoreText.SpanId(unchecked((ulong)row.GetInt64(6))),
        row.IsDBNull(7) ? null : StoreText.SpanId(unchecked((ulong)row.GetInt64(7))),
        Text(row, 8), Text(row, 9), Text(row, 10));

    private static string? Text(SqliteDataReader row, int column) => row.IsDBNull(column) ? null : row.GetString(column);
}
