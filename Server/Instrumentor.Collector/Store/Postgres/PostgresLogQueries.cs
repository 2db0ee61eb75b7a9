using System.Collections.Generic;
using System.Text;
using Instrumentor.Collector.Json;
using Npgsql;

namespace Instrumentor.Collector.Store.Postgres;

/// <summary>
/// <c>GET /api/logs</c> on the <c>log</c> table: newest first by (ts, id), keyset, never OFFSET; a trace filter reads
/// <c>log_trace</c>, anything else walks <c>log_ts</c> backwards from the cursor.
/// </summary>
internal sealed class PostgresLogQueries : ILogQueries
{
    public const string Columns = "l.ts, l.level, l.logger, l.message, l.trace_id, l.span_id, l.parent_span_id, l.exception, l.attributes, l.service";

    private readonly NpgsqlDataSource _dataSource;

    public PostgresLogQueries(NpgsqlDataSource dataSource) => _dataSource = dataSource;

    /// <inheritdoc />
    public (IReadOnlyList<LogItem> Items, SpanCursor? Last, bool HasMore) Logs(LogFilter filter)
    {
        using NpgsqlConnection connection = _dataSource.OpenConnection();
        using var command = new NpgsqlCommand { Connection = connection };
        var where = new StringBuilder("TRUE");
        if (filter.TraceId is { } trace)
        {
            where.Append(" AND l.trace_id = @trace");
            command.Parameters.AddWithValue("trace", trace);
        }

        if (filter.SpanId is { } span)
        {
            where.Append(" AND l.span_id = @span");
            command.Parameters.AddWithValue("span", span);
        }

        if (filter.Level is { } level)
        {
            where.Append(" AND lower(l.level) = lower(@level)");
            command.Parameters.AddWithValue("level", level);
        }

        if (filter.Search is { } q)
        {
            where.Append(" AND (strpos(l.message, @q) > 0 OR strpos(l.logger, @q) > 0 OR strpos(l.exception, @q) > 0 OR strpos(l.attributes, @q) > 0)");
            command.Parameters.AddWithValue("q", q);
        }

        if (filter.FromMicroseconds is { } from)
        {
            where.Append(" AND l.ts >= @from");
            command.Parameters.AddWithValue("from", PostgresTime.FromMicroseconds(from));
        }

        if (filter.ToMicroseconds is { } to)
        {
            where.Append(" AND l.ts < @to");
            command.Parameters.AddWithValue("to", PostgresTime.FromMicroseconds(to));
        }

        if (filter.Before is { } before)
        {
            where.Append(" AND (l.ts, l.id) < (@bts, @bid)");
            command.Parameters.AddWithValue("bts", PostgresTime.FromText(before.Ts));
            command.Parameters.AddWithValue("bid", before.RowId);
        }

        command.CommandText = $"SELECT {Columns}, l.id FROM log l WHERE {where} ORDER BY l.ts DESC, l.id DESC LIMIT @limit;";
        command.Parameters.AddWithValue("limit", filter.Limit + 1);
        var items = new List<LogItem>(filter.Limit + 1);
        SpanCursor? last = null;
        using NpgsqlDataReader reader = command.ExecuteReader();
        while (reader.Read())
        {
            if (items.Count == filter.Limit)
            {
                return (items, last, true);
            }

            LogItem item = Read(reader);
            items.Add(item);
            last = new SpanCursor(item.Ts, reader.GetInt64(10));
        }

        return (items, last, false);
    }

    /// <summary>A row selected with <see cref="Columns"/>.</summary>
    public static LogItem Read(NpgsqlDataReader row) => new(
        PostgresTime.Text(row.GetDateTime(0)), Text(row, 1), Text(row, 2), Text(row, 3), Text(row, 4), Text(row, 5), Text(row, 6), Text(row, 7), Text(row, 8), Text(row, 9));

    private static string? Text(NpgsqlDataReader row, int column) => row.IsDBNull(column) ? null : row.GetString(column);
}
