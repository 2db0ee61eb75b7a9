using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using Instrumentor.Collector.Json;
using Instrumentor.Collector.Store.Sqlite;
using Npgsql;

namespace Instrumentor.Collector.Store.Postgres;

/// <summary>
/// The query side of the PostgreSQL store: the same answers as <see cref="SqliteTraceQueries"/>, through the
/// indexes every day partition has (<c>span_ts</c>, <c>span_site_ts</c>, <c>span_span</c>, the primary key
/// (trace_id, span_id, ts) and the block range index <c>span_row</c>); a time range prunes the partitions it does not touch. Pages are newest first by (ts, id), keyset.
/// </summary>
internal sealed class PostgresTraceQueries : ITraceQueries
{
    // Beyond this many matching sites a filtered page scans the time index instead of merging one index range per site.
    private const int MaxMergedSites = 16;

    private const string Columns = "s.id, s.ts, s.trace_id, s.span_id, s.parent_span_id, s.status, s.duration_ns, s.thread_id, s.data, s.exception, s.site_id";

    // The lookups of /api/spans/{span_id} (with and without ?trace_id) and /api/traces/{trace_id}.
    internal const string SpanSql = $"SELECT {Columns} FROM span s WHERE s.span_id = @span LIMIT 1;";
    internal const string SpanInTraceSql = $"SELECT {Columns} FROM span s WHERE s.span_id = @span AND s.trace_id = @trace LIMIT 1;";
    internal const string TraceSql = $"SELECT {Columns} FROM span s WHERE s.trace_id = @trace ORDER BY s.ts, s.id;";

    private readonly NpgsqlDataSource _dataSource;
    private readonly SiteCache _sites = new();
    private readonly PostgresMinuteCache _minutes = new();

    public PostgresTraceQueries(NpgsqlDataSource dataSource) => _dataSource = dataSource;

    /// <summary>Ranges with fewer spans in whole minutes than this are computed exactly from the spans (tests lower it).</summary>
    internal long RollupMinSpans { get; set; } = PostgresRollupStats.DefaultMinSpans;

    /// <inheritdoc />
    public (IReadOnlyList<SpanItem> Items, bool HasMore) Spans(SpanFilter filter)
    {
        using NpgsqlConnection connection = _dataSource.OpenConnection();
        _sites.Refresh(connection);
        List<long>? siteIds = _sites.Matching(filter.Process, filter.Service);
        if (siteIds is { Count: 0 })
        {
            return ([], false);
        }

        List<long>? searchSites = filter.Search is { } q ? _sites.MatchingLike(q) : null;
        var items = new List<SpanItem>(filter.Limit + 1);
        if (siteIds is not null && siteIds.Count <= MaxMergedSites)
        {
            foreach (long site in siteIds)
            {
                items.AddRange(ReadSpans(connection, PageCommand(connection, filter, [site], searchSites)));
            }

            items.Sort(static (a, b) => string.CompareOrdinal(b.Ts, a.Ts) is int byTime and not 0 ? byTime : b.RowId.CompareTo(a.RowId));
        }
        else
        {
            items.AddRange(ReadSpans(connection, PageCommand(connection, filter, siteIds, searchSites)));
        }

        bool more = items.Count > filter.Limit;
        if (more)
        {
            items.RemoveRange(filter.Limit, items.Count - filter.Limit);
        }

        return (items, more);
    }

    /// <inheritdoc />
    public SpanDetail? Span(string spanId, string? traceId)
    {
        using NpgsqlConnection connection = _dataSource.OpenConnection();
        // By span id alone: span_span; with the trace: the primary key (trace_id, span_id, ts).
        using var command = new NpgsqlCommand(traceId is null ? SpanSql : SpanInTraceSql, connection);
        command.Parameters.AddWithValue("span", spanId);
        if (traceId is not null)
        {
            command.Parameters.AddWithValue("trace", traceId);
        }

        List<SpanItem> found = ReadSpans(connection, command, out List<long> siteIds);
        if (found.Count == 0)
        {
            return null;
        }

        SpanItem span = found[0];
        SiteInfo site = _sites.Get(connection, siteIds[0]);
        return new SpanDetail
        {
            RowId = span.RowId,
            TraceId = span.TraceId,
            SpanId = span.SpanId,
            ParentSpanId = span.ParentSpanId,
            Process = span.Process,
            ProcessGroup = span.ProcessGroup,
            Start = span.Start,
            DurationMs = span.DurationMs,
            Status = span.Status,
            Exception = span.Exception,
            ThreadId = span.ThreadId,
            Data = span.Data,
            Ts = span.Ts,
            Service = span.Service,
            Logs = LogsOf(connection, span.TraceId, span.SpanId),
            Source = site.SourceFile is null && site.Signature is null ? null : new SourceLocation(site.SourceFile, site.SourceLine, site.Signature),
        };
    }

    /// <inheritdoc />
    public IReadOnlyList<SpanItem> Trace(string traceId)
    {
        using NpgsqlConnection connection = _dataSource.OpenConnection();
        using var command = new NpgsqlCommand(TraceSql, connection);
        command.Parameters.AddWithValue("trace", traceId);
        return ReadSpans(connection, command);
    }

    /// <inheritdoc />
    public IReadOnlyList<StatsItem> Stats(long? fromMicroseconds, long? toMicroseconds, string? process, int buckets)
    {
        using NpgsqlConnection connection = _dataSource.OpenConnection();
        _sites.Refresh(connection);
        (long from, long to) = Range(connection, fromMicroseconds, toMicroseconds);
        if (to <= from)
        {
            return [];
        }

        List<long>? siteIds = _sites.Matching(process, null);
        if (siteIds is { Count: 0 })
        {
            return [];
        }

        // Long ranges from the per-minute stats; short ones (or a store with few spans there) exactly from the spans.
        if (PostgresRollupStats.TryStats(connection, from, to, siteIds, buckets, site => _sites.Get(connection, site).Process,
                RollupMinSpans, _minutes) is { } rolledUp)
        {
            return rolledUp;
        }

        // Counted and ranked by the server (percentile_disc is the nearest rank, as ProcessStats computes it): one pass
        // over the range, per process and per bucket, instead of every row sent to the collector.
        using var command = new NpgsqlCommand($$"""
            SELECT site.process, b.bucket, count(*), count(*) FILTER (WHERE s.status = 'ERR'),
                   percentile_disc(0.5) WITHIN GROUP (ORDER BY s.duration_ns),
                   percentile_disc(0.95) WITHIN GROUP (ORDER BY s.duration_ns),
                   percentile_disc(0.99) WITHIN GROUP (ORDER BY s.duration_ns)
            FROM span s JOIN site ON site.id = s.site_id
            CROSS JOIN LATERAL (SELECT least(greatest(floor((extract(epoch FROM s.ts) * 1000000 - @from) / @width), 0), @last)::integer AS bucket) b
            WHERE s.ts >= @fromTs AND s.ts < @toTs{{SiteCache.Condition(siteIds)}}
            GROUP BY GROUPING SETS ((site.process), (site.process, b.bucket));
            """, connection);
        long width = Math.Max(1, (to - from + buckets - 1) / buckets);
        command.Parameters.AddWithValue("from", from);
        command.Parameters.AddWithValue("width", width);
        command.Parameters.AddWithValue("last", buckets - 1);
        command.Parameters.AddWithValue("fromTs", PostgresTime.FromMicroseconds(from));
        command.Parameters.AddWithValue("toTs", PostgresTime.FromMicroseconds(to));
        var totals = new Dictionary<string, (long Count, long Errors, double? P50, double? P95, double? P99)>(StringComparer.Ordinal);
        var perBucket = new Dictionary<string, StatsBucket[]>(StringComparer.Ordinal);
        using (NpgsqlDataReader reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                string name = reader.GetString(0);
                long count = reader.GetInt64(2);
                long errors = reader.GetInt64(3);
                long?[] ranks = [Optional(reader, 4), Optional(reader, 5), Optional(reader, 6)];
                if (reader.IsDBNull(1))
                {
                    totals[name] = (count, errors, Ms(ranks[0]), Ms(ranks[1]), Ms(ranks[2]));
                    continue;
                }

                if (!perBucket.TryGetValue(name, out StatsBucket[]? row))
                {
                    perBucket[name] = row = new StatsBucket[buckets];
                }

                int bucket = reader.GetInt32(1);
                row[bucket] = new StatsBucket(StoreText.Timestamp(from + bucket * width), count, errors, Ms(ranks[1]));
            }
        }

        var items = new List<StatsItem>(totals.Count);
        foreach ((string name, var total) in totals)
        {
            StatsBucket[] row = perBucket.TryGetValue(name, out StatsBucket[]? found) ? found : new StatsBucket[buckets];
            for (int i = 0; i < buckets; i++)
            {
                row[i] ??= new StatsBucket(StoreText.Timestamp(from + i * width), 0, 0, null);
            }

            items.Add(new StatsItem(name, total.Count, total.Errors, total.Count == 0 ? 0 : (double)total.Errors / total.Count,
                total.P50, total.P95, total.P99, row));
        }

        return items.OrderByDescending(i => i.Count).ThenBy(i => i.Process, StringComparer.Ordinal).ToList();
    }

    private static double? Ms(long? nanoseconds) => nanoseconds / 1_000_000.0;

    private static long? Optional(NpgsqlDataReader reader, int column) => reader.IsDBNull(column) ? null : reader.GetInt64(column);

    /// <inheritdoc />
    public GraphAnswer Graph(long? fromMicroseconds, long? toMicroseconds)
    {
        using NpgsqlConnection connection = _dataSource.OpenConnection();
        _sites.Refresh(connection);
        (long from, long to) = Range(connection, fromMicroseconds, toMicroseconds);
        var nodes = new Dictionary<string, (long Count, long Errors, string Last)>(StringComparer.Ordinal);
        var edges = new Dictionary<(string, string), (long Count, string Last)>();
        var rows = new List<(long A, long B, long Count, long Errors, DateTime Last)>();
        using (var command = new NpgsqlCommand("""
            SELECT s.site_id, count(*), count(*) FILTER (WHERE s.status = 'ERR'), max(s.ts) FROM span s
            WHERE s.ts >= @from AND s.ts < @to GROUP BY s.site_id;
            """, connection))
        {
            command.Parameters.AddWithValue("from", PostgresTime.FromMicroseconds(from));
            command.Parameters.AddWithValue("to", PostgresTime.FromMicroseconds(to));
            using NpgsqlDataReader reader = command.ExecuteReader();
            while (reader.Read())
            {
                rows.Add((reader.GetInt64(0), 0, reader.GetInt64(1), reader.GetInt64(2), reader.GetDateTime(3)));
            }
        }

        foreach ((long site, _, long count, long errors, DateTime last) in rows)
        {
            string name = _sites.Get(connection, site).Process;
            nodes.TryGetValue(name, out var node);
            nodes[name] = (node.Count + count, node.Errors + errors, Max(node.Last, PostgresTime.Text(last)));
        }

        rows.Clear();
        using (var command = new NpgsqlCommand("""
            SELECT p.site_id, c.site_id, count(*), max(c.ts) FROM span c
            JOIN span p ON p.span_id = c.parent_span_id AND p.trace_id = c.trace_id
            WHERE c.ts >= @from AND c.ts < @to AND c.parent_span_id IS NOT NULL
            GROUP BY p.site_id, c.site_id;
            """, connection))
        {
            command.Parameters.AddWithValue("from", PostgresTime.FromMicroseconds(from));
            command.Parameters.AddWithValue("to", PostgresTime.FromMicroseconds(to));
            using NpgsqlDataReader reader = command.ExecuteReader();
            while (reader.Read())
            {
                rows.Add((reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), 0, reader.GetDateTime(3)));
            }
        }

        foreach ((long parent, long child, long count, _, DateTime last) in rows)
        {
            var key = (_sites.Get(connection, parent).Process, _sites.Get(connection, child).Process);
            edges.TryGetValue(key, out var edge);
            edges[key] = (edge.Count + count, Max(edge.Last, PostgresTime.Text(last)));
        }

        return new GraphAnswer(
            nodes.OrderBy(n => n.Key, StringComparer.Ordinal).Select(n => new GraphNode(n.Key, n.Value.Count, n.Value.Errors, n.Value.Last)).ToList(),
            edges.OrderBy(e => e.Key.Item1, StringComparer.Ordinal).ThenBy(e => e.Key.Item2, StringComparer.Ordinal)
                .Select(e => new GraphEdge(e.Key.Item1, e.Key.Item2, e.Value.Count, e.Value.Last)).ToList());
    }

    /// <inheritdoc />
    public StoreFacts Facts(long recentSinceMicroseconds)
    {
        using NpgsqlConnection connection = _dataSource.OpenConnection();
        // Totals from the per-minute stats (exact, kept with the spans), not a count of the span table; the recent
        // window starts at the beginning of the minute "since" falls in. Oldest and newest: one index probe each.
        using var command = new NpgsqlCommand("""
            SELECT coalesce(sum(spans), 0)::bigint, (SELECT min(ts) FROM span), (SELECT max(ts) FROM span),
                   coalesce(sum(spans) FILTER (WHERE minute >= @since), 0)::bigint, coalesce(sum(errors) FILTER (WHERE minute >= @since), 0)::bigint
            FROM stats_minute;
            """, connection);
        command.Parameters.AddWithValue("since", PostgresStats.Minute(recentSinceMicroseconds));
        using NpgsqlDataReader reader = command.ExecuteReader();
        reader.Read();
        return new StoreFacts(reader.GetInt64(0), reader.IsDBNull(1) ? null : PostgresTime.Text(reader.GetDateTime(1)),
            reader.IsDBNull(2) ? null : PostgresTime.Text(reader.GetDateTime(2)), reader.GetInt64(3), reader.GetInt64(4));
    }

    /// <inheritdoc />
    public IReadOnlyList<SpanItem> SpansAfter(long afterRowId, int limit)
    {
        using NpgsqlConnection connection = _dataSource.OpenConnection();
        using var command = new NpgsqlCommand($"SELECT {Columns} FROM span s WHERE s.id > @after ORDER BY s.id LIMIT @limit;", connection);
        command.Parameters.AddWithValue("after", afterRowId);
        command.Parameters.AddWithValue("limit", limit);
        return ReadSpans(connection, command);
    }

    /// <inheritdoc />
    public long LastRowId()
    {
        using NpgsqlConnection connection = _dataSource.OpenConnection();
        // The sequence, not max(id): span_row is a block range index, which cannot answer max() without a scan.
        using var command = new NpgsqlCommand("SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM span_row_id;", connection);
        return (long)command.ExecuteScalar()!;
    }

    /// <summary>The plan PostgreSQL chooses for the page <paramref name="filter"/> asks (for the query-plan tests).</summary>
    internal string ExplainSpans(SpanFilter filter)
    {
        using NpgsqlConnection connection = _dataSource.OpenConnection();
        _sites.Refresh(connection);
        List<long>? siteIds = _sites.Matching(filter.Process, filter.Service);
        using NpgsqlCommand command = PageCommand(connection, filter, siteIds is { Count: <= MaxMergedSites and > 0 } ? [siteIds[0]] : siteIds,
            filter.Search is { } q ? _sites.MatchingLike(q) : null);
        command.CommandText = "EXPLAIN " + command.CommandText;
        var plan = new StringBuilder();
        using NpgsqlDataReader reader = command.ExecuteReader();
        while (reader.Read())
        {
            plan.AppendLine(reader.GetString(0));
        }

        return plan.ToString();
    }

    /// <summary>The plan of <paramref name="sql"/> with <c>@span</c> and <c>@trace</c> bound (for the query-plan tests).</summary>
    internal string ExplainLookup(string sql, string spanId, string traceId)
    {
        using NpgsqlConnection connection = _dataSource.OpenConnection();
        using var command = new NpgsqlCommand("EXPLAIN " + sql, connection);
        if (sql.Contains("@span", StringComparison.Ordinal))
        {
            command.Parameters.AddWithValue("span", spanId);
        }

        if (sql.Contains("@trace", StringComparison.Ordinal))
        {
            command.Parameters.AddWithValue("trace", traceId);
        }
        var plan = new StringBuilder();
        using NpgsqlDataReader reader = command.ExecuteReader();
        while (reader.Read())
        {
            plan.AppendLine(reader.GetString(0));
        }

        return plan.ToString();
    }

    private static NpgsqlCommand PageCommand(NpgsqlConnection connection, SpanFilter filter, List<long>? siteIds, List<long>? searchSites)
    {
        var command = new NpgsqlCommand { Connection = connection };
        var sql = new StringBuilder($"SELECT {Columns} FROM span s WHERE TRUE");
        if (filter.FromMicroseconds is { } from)
        {
            sql.Append(" AND s.ts >= @from");
            command.Parameters.AddWithValue("from", PostgresTime.FromMicroseconds(from));
        }

        if (filter.ToMicroseconds is { } to)
        {
            sql.Append(" AND s.ts < @to");
            command.Parameters.AddWithValue("to", PostgresTime.FromMicroseconds(to));
        }

        if (filter.Before is { } cursor)
        {
            // A row comparison: one index range on (ts, id) that stops at the cursor.
            sql.Append(" AND (s.ts, s.id) < (@cts, @cid)");
            command.Parameters.AddWithValue("cts", PostgresTime.FromText(cursor.Ts));
            command.Parameters.AddWithValue("cid", cursor.RowId);
        }

        if (filter.Status is "OK" or "ERR")
        {
            sql.Append(filter.Status == "ERR" ? " AND s.status = 'ERR'" : " AND s.status = 'OK'");
        }

        sql.Append(SiteCache.Condition(siteIds));
        if (filter.Search is { } q)
        {
            // ILIKE: the SQLite store's LIKE is case-insensitive too.
            command.Parameters.AddWithValue("q", "%" + q.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_") + "%");
            sql.Append(" AND (s.data ILIKE @q OR s.exception ILIKE @q");
            if (searchSites is { Count: > 0 })
            {
                sql.Append(" OR s.site_id IN (").AppendJoin(',', searchSites).Append(')');
            }

            sql.Append(')');
        }

        sql.Append(" ORDER BY s.ts DESC, s.id DESC LIMIT @limit;");
        command.Parameters.AddWithValue("limit", filter.Limit + 1);
        command.CommandText = sql.ToString();
        return command;
    }

    private static (long From, long To) Range(NpgsqlConnection connection, long? from, long? to)
    {
        if (from is { } f && to is { } t)
        {
            return (f, t);
        }

        using var command = new NpgsqlCommand("SELECT min(ts), max(ts) FROM span;", connection);
        using NpgsqlDataReader reader = command.ExecuteReader();
        reader.Read();
        long oldest = reader.IsDBNull(0) ? 0 : PostgresTime.ToMicroseconds(reader.GetDateTime(0));
        long newest = reader.IsDBNull(1) ? 0 : PostgresTime.ToMicroseconds(reader.GetDateTime(1));
        return (from ?? oldest, to ?? newest + 1);
    }

    private static string Max(string? a, string b) => a is null || string.CompareOrdinal(b, a) > 0 ? b : a;

    private List<SpanItem> ReadSpans(NpgsqlConnection connection, NpgsqlCommand command)
    {
        using (command)
        {
            return ReadSpans(connection, command, out _);
        }
    }

    // Rows first, names after: the connection runs one command at a time, and a site new to this cache needs a query.
    private List<SpanItem> ReadSpans(NpgsqlConnection connection, NpgsqlCommand command, out List<long> siteIds)
    {
        var rows = new List<Row>();
        using (NpgsqlDataReader row = command.ExecuteReader())
        {
            while (row.Read())
            {
                rows.Add(new Row(row.GetInt64(0), PostgresTime.Text(row.GetDateTime(1)), row.GetString(2), row.GetString(3),
                    row.IsDBNull(4) ? null : row.GetString(4), row.GetString(5), row.IsDBNull(6) ? null : row.GetInt64(6),
                    row.IsDBNull(7) ? null : row.GetInt32(7), row.IsDBNull(8) ? null : row.GetString(8), row.IsDBNull(9) ? null : row.GetString(9),
                    row.GetInt64(10)));
            }
        }

        siteIds = rows.Select(r => r.Site).ToList();
        var items = new List<SpanItem>(rows.Count);
        foreach (Row r in rows)
        {
            SiteInfo site = _sites.Get(connection, r.Site);
            items.Add(new SpanItem
            {
                RowId = r.Id,
                TraceId = r.TraceId,
                SpanId = r.SpanId,
                ParentSpanId = r.Parent,
                Process = site.Process,
                ProcessGroup = site.ProcessGroup,
                Start = StoreText.Iso(r.Ts),
                DurationMs = r.DurationNs / 1_000_000.0,
                Status = r.Status,
                Exception = r.Exception,
                ThreadId = r.Thread,
                Data = r.Data is null ? [] : SpanRows.ReadData(r.Data),
                Ts = r.Ts,
                Service = site.Service,
            });
        }

        return items;
    }

    private readonly record struct Row(long Id, string Ts, string TraceId, string SpanId, string? Parent, string Status, long? DurationNs,
        int? Thread, string? Data, string? Exception, long Site);

    private static List<LogItem> LogsOf(NpgsqlConnection connection, string traceId, string spanId)
    {
        using var command = new NpgsqlCommand($"SELECT {PostgresLogQueries.Columns} FROM log l WHERE l.trace_id = @trace AND l.span_id = @span ORDER BY l.ts, l.id;", connection);
        command.Parameters.AddWithValue("trace", traceId);
        command.Parameters.AddWithValue("span", spanId);
        var logs = new List<LogItem>();
        using NpgsqlDataReader reader = command.ExecuteReader();
        while (reader.Read())
        {
            logs.Add(PostgresLogQueries.Read(reader));
        }

        return logs;
    }
}
