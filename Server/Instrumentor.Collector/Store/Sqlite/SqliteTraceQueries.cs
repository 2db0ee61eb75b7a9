using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using Instrumentor.Collector.Json;
using Microsoft.Data.Sqlite;

namespace Instrumentor.Collector.Store.Sqlite;

/// <summary>
/// The query side of the SQLite store. Every query reads the physical <c>span</c> table (schema v3: text ts, ids and
/// status, the same values the views show) through one of its indexes: <c>span_ts</c>, <c>span_site_ts</c>,
/// <c>span_errors</c>, <c>span_trace</c>, <c>span_chunk_span</c>. Pages are newest first by (ts, rowid), keyset, never
/// OFFSET. Process names come from an in-memory copy of the small <c>site</c> table, so no join disturbs the index
/// order. Connections are read-only and pooled: readers never block a writer (WAL).
/// </summary>
internal sealed class SqliteTraceQueries : ITraceQueries
{
    // Beyond this many matching sites a filtered page scans the time index instead of merging one index range per site.
    private const int MaxMergedSites = 16;

    private readonly string _connectionString;
    private readonly SiteCache _sites = new();

    /// <summary>Ranges with fewer folded spans are computed exactly (lowered by tests to exercise the rollups).</summary>
    internal long RollupMinSpans { get; set; } = Rollup.RollupStats.DefaultMinSpans;

    /// <summary>The page cache of each read connection in KiB (SQLite's default is 2,000).</summary>
    internal const int ReadCacheKiB = 16_384;

    private static readonly string ReadCacheSql = $"PRAGMA cache_size = -{ReadCacheKiB};";

    public SqliteTraceQueries(string path)
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
    public (IReadOnlyList<SpanItem> Items, bool HasMore) Spans(SpanFilter filter) => Spans(filter, useSearchIndex: true, out _);

    /// <summary>
    /// A page of spans. With a text filter, the search index (<see cref="Search.SearchIndex"/>) answers when it can:
    /// fromIndex tells whether it did (tests compare both paths).
    /// </summary>
    internal (IReadOnlyList<SpanItem> Items, bool HasMore) Spans(SpanFilter filter, bool useSearchIndex, out bool fromIndex)
    {
        fromIndex = false;
        using SqliteConnection connection = Open();
        _sites.Refresh(connection);
        List<long>? siteIds = _sites.Matching(filter.Process, filter.Service);
        if (siteIds is { Count: 0 })
        {
            return ([], false);
        }

        List<long>? searchSites = filter.Search is { } q ? _sites.MatchingLike(q) : null;
        var items = new List<SpanItem>(filter.Limit + 1);
        if (useSearchIndex && filter.Search is { } term && Search.SearchTerms.MatchOf(term) is { } match)
        {
            // One snapshot: the index, its cursor and the rows after it agree.
            using SqliteTransaction snapshot = connection.BeginTransaction(deferred: true);
            if (Search.IndexedSearch.Candidates(connection, snapshot, match) is ({ } through, { } candidates))
            {
                fromIndex = true;
                // Three parts, each the newest limit + 1 of its rows: the candidates up to the cursor whose text matches,
                // the rows after the cursor (as the scan would match them), and the spans of processes whose name matches.
                using (SqliteCommand indexed = PageCommand(connection, snapshot, filter, siteIds, null, Search.TextSource.Indexed(candidates)))
                {
                    items.AddRange(ReadSpans(connection, indexed));
                }

                using (SqliteCommand tail = PageCommand(connection, snapshot, filter, siteIds, searchSites, Search.TextSource.Tail(through)))
                {
                    items.AddRange(ReadSpans(connection, tail));
                }

                List<long>? bySite = searchSites is not { Count: > 0 } ? null : siteIds is null ? searchSites : searchSites.Intersect(siteIds).ToList();
                if (bySite is { Count: > 0 })
                {
                    Pages(connection, snapshot, filter with { Search = null }, bySite, null, items);
                }

                return Trim(items, filter.Limit);
            }
        }

        Pages(connection, null, filter, siteIds, searchSites, items);
        return Trim(items, filter.Limit);
    }

    // The page of filter over siteIds: one ordered index range per site, merged, each staying a SEARCH on span_site_ts,
    // or one query over the time index when there are many sites (or none asked).
    private void Pages(SqliteConnection connection, SqliteTransaction? transaction, SpanFilter filter, List<long>? siteIds, List<long>? searchSites,
        List<SpanItem> items)
    {
        if (siteIds is not null && siteIds.Count <= MaxMergedSites)
        {
            foreach (long site in siteIds)
            {
                using SqliteCommand command = PageCommand(connection, transaction, filter, [site], searchSites, Search.TextSource.Scan);
                items.AddRange(ReadSpans(connection, command));
            }
        }
        else
        {
            using SqliteCommand command = PageCommand(connection, transaction, filter, siteIds, searchSites, Search.TextSource.Scan);
            items.AddRange(ReadSpans(connection, command));
        }
    }

    // Newest first by (ts, row id), without the rows two parts of a page both found, cut to the limit.
    private static (IReadOnlyList<SpanItem> Items, bool HasMore) Trim(List<SpanItem> items, int limit)
    {
        items.Sort(static (a, b) => string.CompareOrdinal(b.Ts, a.Ts) is int byTime and not 0 ? byTime : b.RowId.CompareTo(a.RowId));
        for (int i = items.Count - 1; i > 0; i--)
        {
            if (items[i].RowId == items[i - 1].RowId)
            {
                items.RemoveAt(i);
            }
        }

        bool more = items.Count > limit;
        if (more)
        {
            items.RemoveRange(limit, items.Count - limit);
        }

        return (items, more);
    }

    /// <inheritdoc />
    public SpanDetail? Span(string spanId, string? traceId)
    {
        using SqliteConnection connection = Open();
        using SqliteCommand command = connection.CreateCommand();
        // By span id alone: a skip-scan of span_chunk_span (one seek per chunk of rows); with the trace: span_trace.
        command.CommandText = traceId is null
            ? $"SELECT {SpanRows.Columns} FROM span s WHERE s.span_id = $span LIMIT 1;"
            : $"SELECT {SpanRows.Columns} FROM span s WHERE s.trace_id = $trace AND s.span_id = $span LIMIT 1;";
        command.Parameters.AddWithValue("$span", spanId);
        if (traceId is not null)
        {
            command.Parameters.AddWithValue("$trace", traceId);
        }

        SpanItem span;
        long siteId;
        using (SqliteDataReader reader = command.ExecuteReader())
        {
            if (!reader.Read())
            {
                return null;
            }

            span = SpanRows.Read(reader, connection, _sites);
            siteId = reader.GetInt64(10);
        }

        SiteInfo site = _sites.Get(connection, siteId);
        if (site.SourceFile is null && site.Signature is null)
        {
            // The generator's source location may have been recorded after this process cached the site.
            _sites.Reload(connection);
            site = _sites.Get(connection, siteId);
        }

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
        using SqliteConnection connection = Open();
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = $"SELECT {SpanRows.Columns} FROM span s WHERE s.trace_id = $trace ORDER BY s.ts, s.id;";
        command.Parameters.AddWithValue("$trace", traceId);
        return ReadSpans(connection, command);
    }

    /// <inheritdoc />
    public IReadOnlyList<StatsItem> Stats(long? fromMicroseconds, long? toMicroseconds, string? process, int buckets) =>
        Stats(fromMicroseconds, toMicroseconds, process, buckets, useRollups: true);

    /// <summary>
    /// The stats of a range: from the per-minute rollups when the range is long and holds many spans
    /// (<see cref="Rollup.RollupStats"/>, percentiles within 2 %), else exactly from the spans.
    /// </summary>
    internal IReadOnlyList<StatsItem> Stats(long? fromMicroseconds, long? toMicroseconds, string? process, int buckets, bool useRollups) =>
        Stats(fromMicroseconds, toMicroseconds, process, buckets, useRollups, out _);

    // fromRollups: whether the answer came from the rollups (tests).
    internal IReadOnlyList<StatsItem> Stats(long? fromMicroseconds, long? toMicroseconds, string? process, int buckets, bool useRollups, out bool fromRollups)
    {
        fromRollups = false;
        using SqliteConnection connection = Open();
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

        if (useRollups && Rollup.RollupStats.TryStats(connection, from, to, SiteCache.Condition(siteIds), buckets, site => _sites.Get(connection, site).Process,
                RollupMinSpans) is { } rolledUp)
        {
            fromRollups = true;
            return rolledUp;
        }

        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "SELECT s.site_id, s.ts, s.status, s.duration_ns FROM span s WHERE s.ts >= $from AND s.ts < $to"
            + SiteCache.Condition(siteIds) + ";";
        command.Parameters.AddWithValue("$from", StoreText.Timestamp(from));
        command.Parameters.AddWithValue("$to", StoreText.Timestamp(to));
        var perSite = new Dictionary<long, ProcessStats>();
        var perProcess = new Dictionary<string, ProcessStats>(StringComparer.Ordinal);
        long width = Math.Max(1, (to - from + buckets - 1) / buckets);
        using (SqliteDataReader reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                long siteId = reader.GetInt64(0);
                if (!perSite.TryGetValue(siteId, out ProcessStats? stats))
                {
                    // Sites of one process in several services count as one process.
                    string name = _sites.Get(connection, siteId).Process;
                    if (!perProcess.TryGetValue(name, out stats))
                    {
                        perProcess[name] = stats = new ProcessStats(buckets);
                    }

                    perSite[siteId] = stats;
                }

                int bucket = (int)Math.Clamp((StoreText.ParseTimestamp(reader.GetString(1)) - from) / width, 0, buckets - 1);
                stats.Add(bucket, reader.GetString(2) == "ERR", reader.IsDBNull(3) ? null : reader.GetInt64(3));
            }
        }

        return perProcess
            .Select(p => p.Value.ToItem(p.Key, from, width))
            .OrderByDescending(i => i.Count).ThenBy(i => i.Process, StringComparer.Ordinal)
            .ToList();
    }

    /// <inheritdoc />
    public GraphAnswer Graph(long? fromMicroseconds, long? toMicroseconds) => Graph(fromMicroseconds, toMicroseconds, useRollups: true, out _);

    /// <summary>
    /// The graph over the range, from the rollups for a range of more than <see cref="RollupMinSpans"/> folded spans
    /// (<see cref="Rollup.RollupGraph"/>), else by joining each child span to its parent. fromRollups: which (tests).
    /// </summary>
    internal GraphAnswer Graph(long? fromMicroseconds, long? toMicroseconds, bool useRollups, out bool fromRollups)
    {
        fromRollups = false;
        using SqliteConnection connection = Open();
        _sites.Refresh(connection);
        (long from, long to) = Range(connection, fromMicroseconds, toMicroseconds);
        if (useRollups && to > from
            && Rollup.RollupGraph.TryGraph(connection, from, to, site => _sites.Get(connection, site).Process, RollupMinSpans) is { } rolledUp)
        {
            fromRollups = true;
            return rolledUp;
        }

        var nodes = new Dictionary<string, (long Count, long Errors, string Last)>(StringComparer.Ordinal);
        var edges = new Dictionary<(string, string), (long Count, string Last)>();
        using (SqliteCommand command = connection.CreateCommand())
        {
            command.CommandText = """
                SELECT s.site_id, count(*), sum(s.status = 'ERR'), max(s.ts) FROM span s
                WHERE s.ts >= $from AND s.ts < $to GROUP BY s.site_id;
                """;
            command.Parameters.AddWithValue("$from", StoreText.Timestamp(from));
            command.Parameters.AddWithValue("$to", StoreText.Timestamp(to));
            using SqliteDataReader reader = command.ExecuteReader();
            while (reader.Read())
            {
                string name = _sites.Get(connection, reader.GetInt64(0)).Process;
                nodes.TryGetValue(name, out var node);
                nodes[name] = (node.Count + reader.GetInt64(1), node.Errors + reader.GetInt64(2), Max(node.Last, reader.GetString(3)));
            }
        }

        using (SqliteCommand command = connection.CreateCommand())
        {
            // A child finds its parent through span_trace (trace_id, span_id): one index seek per child.
            command.CommandText = """
                SELECT p.site_id, c.site_id, count(*), max(c.ts) FROM span c
                JOIN span p ON p.trace_id = c.trace_id AND p.span_id = c.parent_span_id
                WHERE c.ts >= $from AND c.ts < $to AND c.parent_span_id IS NOT NULL
                GROUP BY p.site_id, c.site_id;
                """;
            command.Parameters.AddWithValue("$from", StoreText.Timestamp(from));
            command.Parameters.AddWithValue("$to", StoreText.Timestamp(to));
            using SqliteDataReader reader = command.ExecuteReader();
            while (reader.Read())
            {
                var key = (_sites.Get(connection, reader.GetInt64(0)).Process, _sites.Get(connection, reader.GetInt64(1)).Process);
                edges.TryGetValue(key, out var edge);
                edges[key] = (edge.Count + reader.GetInt64(2), Max(edge.Last, reader.GetString(3)));
            }
        }

        return new GraphAnswer(
            nodes.OrderBy(n => n.Key, StringComparer.Ordinal).Select(n => new GraphNode(n.Key, n.Value.Count, n.Value.Errors, n.Value.Last)).ToList(),
            edges.OrderBy(e => e.Key.Item1, StringComparer.Ordinal).ThenBy(e => e.Key.Item2, StringComparer.Ordinal)
                .Select(e => new GraphEdge(e.Key.Item1, e.Key.Item2, e.Value.Count, e.Value.Last)).ToList());
    }

    /// <inheritdoc />
    public StoreFacts Facts(long recentSinceMicroseconds)
    {
        using SqliteConnection connection = Open();
        // One snapshot for the total and the rest; the total comes from the rollups' running count when the store has
        // one (counting the span table grows with the store), else from the table.
        using SqliteTransaction snapshot = connection.BeginTransaction(deferred: true);
        long? total = Rollup.RollupCount.TryCount(connection, snapshot);
        using SqliteCommand command = connection.CreateCommand();
        command.Transaction = snapshot;
        command.CommandText = """
            SELECT coalesce($total, (SELECT count(*) FROM span)), (SELECT min(ts) FROM span), (SELECT max(ts) FROM span),
                   (SELECT count(*) FROM span WHERE ts >= $since), (SELECT count(*) FROM span WHERE status = 'ERR' AND ts >= $since);
            """;
        command.Parameters.AddWithValue("$total", total is { } t ? t : DBNull.Value);
        command.Parameters.AddWithValue("$since", StoreText.Timestamp(recentSinceMicroseconds));
        using SqliteDataReader reader = command.ExecuteReader();
        reader.Read();
        return new StoreFacts(reader.GetInt64(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2),
            reader.GetInt64(3), reader.GetInt64(4));
    }

    /// <inheritdoc />
    public IReadOnlyList<SpanItem> SpansAfter(long afterRowId, int limit)
    {
        using SqliteConnection connection = Open();
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = $"SELECT {SpanRows.Columns} FROM span s WHERE s.id > $after ORDER BY s.id LIMIT $limit;";
        command.Parameters.AddWithValue("$after", afterRowId);
        command.Parameters.AddWithValue("$limit", limit);
        return ReadSpans(connection, command);
    }

    /// <inheritdoc />
    public long LastRowId()
    {
        using SqliteConnection connection = Open();
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "SELECT coalesce(max(id), 0) FROM span;";
        return (long)command.ExecuteScalar()!;
    }

    /// <summary>The SQL and parameters of the page <paramref name="filter"/> asks (for the query-plan tests).</summary>
    internal IReadOnlyList<string> ExplainSpans(SpanFilter filter) => ExplainSpans(filter, Search.TextSource.Scan);

    /// <summary>The plan of one part of a page (<paramref name="source"/>: the scan, the index or the rows after it).</summary>
    internal IReadOnlyList<string> ExplainSpans(SpanFilter filter, Search.TextSource source)
    {
        using SqliteConnection connection = Open();
        _sites.Refresh(connection);
        List<long>? siteIds = _sites.Matching(filter.Process, filter.Service);
        using SqliteCommand command = PageCommand(connection, null, filter, siteIds is { Count: <= MaxMergedSites and > 0 } ? [siteIds[0]] : siteIds,
            filter.Search is { } q ? _sites.MatchingLike(q) : null, source);
        return Explain(connection, command);
    }

    /// <summary>The query plan of any SQL on this store (the same connection settings as the API).</summary>
    internal IReadOnlyList<string> Explain(string sql, params (string Name, object Value)[] parameters)
    {
        using SqliteConnection connection = Open();
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        foreach ((string name, object value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return Explain(connection, command);
    }

    private static IReadOnlyList<string> Explain(SqliteConnection connection, SqliteCommand query)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN " + query.CommandText;
        foreach (SqliteParameter parameter in query.Parameters)
        {
            command.Parameters.AddWithValue(parameter.ParameterName, parameter.Value);
        }

        var plan = new List<string>();
        using SqliteDataReader reader = command.ExecuteReader();
        while (reader.Read())
        {
            plan.Add(reader.GetString(3));
        }

        return plan;
    }

    /// <summary>
    /// The SQL of one page of <paramref name="filter"/> over <paramref name="siteIds"/>. The text filter's rows come from
    /// <paramref name="source"/>: every row (the scan), the candidates of the search index up to its cursor, or the rows
    /// after the cursor.
    /// </summary>
    internal static SqliteCommand PageCommand(SqliteConnection connection, SqliteTransaction? transaction, SpanFilter filter, List<long>? siteIds,
        List<long>? searchSites, Search.TextSource source)
    {
        SqliteCommand command = connection.CreateCommand();
        command.Transaction = transaction;
        var sql = new StringBuilder($"SELECT {SpanRows.Columns} FROM ");
        if (source.Candidates is { } candidates)
        {
            // The candidates first (CROSS JOIN keeps them the outer loop), each row fetched by its id.
            sql.Append("json_each($candidates) f CROSS JOIN span s ON s.id = f.value");
            command.Parameters.AddWithValue("$candidates", candidates);
        }
        else
        {
            sql.Append("span s");
            if (source.After is not null)
            {
                // The rows after the index's cursor: a range of row ids, whatever else the filter says.
                sql.Append(" NOT INDEXED");
            }
            else if (filter.Status == "ERR" && siteIds is null)
            {
                // Errors alone: the partial index of ERR spans holds them in time order (a literal, so the planner may use it).
                sql.Append(" INDEXED BY span_errors");
            }
        }

        sql.Append(" WHERE 1 = 1");
        if (source.After is { } after)
        {
            sql.Append(" AND s.id > $after");
            command.Parameters.AddWithValue("$after", after);
        }

        if (filter.FromMicroseconds is { } from)
        {
            sql.Append(" AND s.ts >= $from");
            command.Parameters.AddWithValue("$from", StoreText.Timestamp(from));
        }

        if (filter.ToMicroseconds is { } to)
        {
            sql.Append(" AND s.ts < $to");
            command.Parameters.AddWithValue("$to", StoreText.Timestamp(to));
        }

        if (filter.Before is { } cursor)
        {
            // The plain bound lets the index range stop at the cursor; the OR settles ties on the same microsecond.
            sql.Append(" AND s.ts <= $cts AND (s.ts < $cts OR s.id < $cid)");
            command.Parameters.AddWithValue("$cts", cursor.Ts);
            command.Parameters.AddWithValue("$cid", cursor.RowId);
        }

        if (filter.Status is "OK" or "ERR")
        {
            sql.Append(filter.Status == "ERR" ? " AND s.status = 'ERR'" : " AND s.status = 'OK'");
        }

        sql.Append(SiteCache.Condition(siteIds));
        if (filter.Search is { } q)
        {
            command.Parameters.AddWithValue("$q", "%" + q.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_") + "%");
            sql.Append(" AND (s.data LIKE $q ESCAPE '\\' OR s.exception LIKE $q ESCAPE '\\'");
            // The index's candidates are matched by their text only: the spans of matching processes are a part of their own.
            if (searchSites is { Count: > 0 } && source.Candidates is null)
            {
                sql.Append(" OR s.site_id IN (").AppendJoin(',', searchSites).Append(')');
            }

            sql.Append(')');
        }

        sql.Append(" ORDER BY s.ts DESC, s.id DESC LIMIT $limit;");
        command.Parameters.AddWithValue("$limit", filter.Limit + 1);
        command.CommandText = sql.ToString();
        return command;
    }

    private static (long From, long To) Range(SqliteConnection connection, long? from, long? to)
    {
        if (from is { } f && to is { } t)
        {
            return (f, t);
        }

        using SqliteCommand command = connection.CreateCommand();
        // Two subqueries: SQLite answers a lone min() or max() with one index seek, but both in one SELECT scan the index.
        command.CommandText = "SELECT (SELECT min(ts) FROM span), (SELECT max(ts) FROM span);";
        using SqliteDataReader reader = command.ExecuteReader();
        reader.Read();
        long oldest = reader.IsDBNull(0) ? 0 : StoreText.ParseTimestamp(reader.GetString(0));
        long newest = reader.IsDBNull(1) ? 0 : StoreText.ParseTimestamp(reader.GetString(1));
        return (from ?? oldest, to ?? newest + 1);
    }

    private static string Max(string? a, string b) => a is null || string.CompareOrdinal(b, a) > 0 ? b : a;

    private List<SpanItem> ReadSpans(SqliteConnection connection, SqliteCommand command)
    {
        var items = new List<SpanItem>();
        using SqliteDataReader reader = command.ExecuteReader();
        while (reader.Read())
        {
            items.Add(SpanRows.Read(reader, connection, _sites));
        }

        return items;
    }

    private static List<LogItem> LogsOf(SqliteConnection connection, string traceId, string spanId)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = $"SELECT {LogRows.Columns} FROM log l WHERE l.trace_id = $trace AND l.span_id = $span ORDER BY l.ts, l.id;";
        command.Parameters.AddWithValue("$trace", traceId);
        command.Parameters.AddWithValue("$span", spanId);
        var logs = new List<LogItem>();
        using SqliteDataReader reader = command.ExecuteReader();
        while (reader.Read())
        {
            logs.Add(LogRows.Read(reader));
        }

        return logs;
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        using (SqliteCommand cache = connection.CreateCommand())
        {
            // A pooled connection keeps its cache between queries: the interior pages of the span-id index (one seek per
            // chunk of 16,384 rows) stay in memory, which halves a lookup by span id on a 10M-span store.
            cache.CommandText = ReadCacheSql;
            cache.ExecuteNonQuery();
        }

        return connection;
    }
}
