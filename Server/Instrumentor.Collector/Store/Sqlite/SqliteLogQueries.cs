using System.Collections.Generic;
using System.Text;
using Instrumentor.Collector.Json;
using Microsoft.Data.Sqlite;

namespace Instrumentor.Collector.Store.Sqlite;

/// <summary>
/// <c>GET /api/logs</c> on the physical <c>log</c> table (schema v6): newest first by (ts, id), keyset, never OFFSET.
/// A trace (and span) filter reads <c>log_trace</c>; anything else walks <c>log_ts</c> backwards from the cursor.
/// </summary>
internal sealed class SqliteLogQueries : ILogQueries
{
    private readonly string _connectionString;

    public SqliteLogQueries(string path)
    {
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadOnly,
            Pooling = true,
            DefaultTimeout = 5,
        }.ToString();
    }

    /// <inheritdoc />
    public (IReadOnlyList<LogItem> Items, SpanCursor? Last, bool HasMore) Logs(LogFilter filter)
    {
        using var connection = new SqliteConnection(_connectionString);
        connection.Open();
        using SqliteCommand command = connection.CreateCommand();
        var where = new StringBuilder("1 = 1");
        if (filter.TraceId is { } trace)
        {
            where.Append(" AND l.trace_id = $trace");
            command.Parameters.AddWithValue("$trace", trace);
        }

        if (filter.SpanId is { } span)
        {
            where.Append(" AND l.span_id = $span");
            command.Parameters.AddWithValue("$span", span);
        }

        if (filter.Level is { } level)
        {
            where.Append(" AND l.level = $level COLLATE NOCASE");
            command.Parameters.AddWithValue("$level", level);
        }

        if (filter.Search is { } q)
        {
            where.Append(" AND (instr(l.message, $q) > 0 OR instr(l.logger, $q) > 0 OR instr(l.exception, $q) > 0 OR instr(l.attributes, $q) > 0)");
            command.Parameters.AddWithValue("$q", q);
        }

        if (filter.FromMicroseconds is { } from)
        {
            where.Append(" AND l.ts >= $from");
            command.Parameters.AddWithValue("$from", StoreText.Timestamp(from));
        }

        if (filter.ToMicroseconds is { } to)
        {
            where.Append(" AND l.ts < $to");
            command.Parameters.AddWithValue("$to", StoreText.Timestamp(to));
        }

        if (filter.Before is { } before)
        {
            where.Append(" AND (l.ts < $bts OR (l.ts = $bts AND l.id < $bid))");
            command.Parameters.AddWithValue("$bts", before.Ts);
            command.Parameters.AddWithValue("$bid", before.RowId);
        }

        command.CommandText = $"SELECT {LogRows.Columns}, l.id FROM log l WHERE {where} ORDER BY l.ts DESC, l.id DESC LIMIT $limit;";
        command.Parameters.AddWithValue("$limit", filter.Limit + 1);
        var items = new List<LogItem>(filter.Limit + 1);
        SpanCursor? last = null;
        using SqliteDataReader reader = command.ExecuteReader();
        while (reader.Read())
        {
            if (items.Count == filter.Limit)
            {
                return (items, last, true);
            }

            LogItem item = LogRows.Read(reader);
            items.Add(item);
            last = new SpanCursor(item.Ts, reader.GetInt64(10));
        }

        return (items, last, false);
    }
}
