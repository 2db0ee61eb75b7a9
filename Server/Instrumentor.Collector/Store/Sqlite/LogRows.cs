using Instrumentor.Collector.Json;
using Microsoft.Data.Sqlite;

namespace Instrumentor.Collector.Store.Sqlite;

/// <summary>Reads rows of <c>log</c> selected with <see cref="Columns"/>.</summary>
internal static class LogRows
{
    public const string Columns = "l.ts, l.level, l.logger, l.message, l.trace_id, l.span_id, l.parent_span_id, l.exception, l.attributes, l.service";

    public static LogItem Read(SqliteDataReader row) => new(
        row.GetString(0), Text(row, 1), Text(row, 2), Text(row, 3), Text(row, 4), Text(row, 5), Text(row, 6), Text(row, 7), Text(row, 8), Text(row, 9));

    private static string? Text(SqliteDataReader row, int column) => row.IsDBNull(column) ? null : row.GetString(column);
}
