using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Instrumentor.Collector.Json;
using Microsoft.Data.Sqlite;

namespace Instrumentor.Collector.Store.Sqlite.Rollup;

/// <summary>
/// <c>/api/graph</c> from the rollups: the whole folded minutes of the range give the processes' calls and errors
/// (<c>stats_minute</c>) and the parent → child calls (<c>stats_edge_minute</c>, see <see cref="EdgeRollup"/>); the
/// partial minutes at both ends, the oldest span's minute and the spans not folded yet come from the span table, joined
/// with their parents as the exact graph does. Each process's last call is one seek of the site/time index. Used like
/// <see cref="RollupStats"/>: only for ranges holding more than the minimum of folded spans.
/// </summary>
internal static class RollupGraph
{
    /// <summary>
    /// The spans outside the whole folded minutes: the ends (folded spans, two ranges of the time index) and every span
    /// not folded yet (a row id range; the unary + keeps SQLite off the time index there).
    /// </summary>
    internal const string RestSql = """
        SELECT s.site_id, s.status, s.ts, s.trace_id, s.parent_span_id FROM span s
        WHERE +s.id <= $last AND ((s.ts >= $from AND s.ts < $fullFrom) OR (s.ts >= $fullTo AND s.ts < $to))
        UNION ALL
        SELECT s.site_id, s.status, s.ts, s.trace_id, s.parent_span_id FROM span s
        WHERE s.id > $last AND +s.ts >= $from AND +s.ts < $to
        """;

    /// <summary>
    /// The edges of the spans outside the whole folded minutes, each child joined to its parent. CROSS JOIN keeps those
    /// few children as the outer loop (each parent one seek of <c>span_trace</c>); with a plain JOIN, the SQLite the
    /// collector ships walked the whole span table instead (1.4 s per graph on 1,000,000 spans, although the sqlite3 shell
    /// of Debian planned it the right way round).
    /// </summary>
    internal const string JoinedEdgesSql = $"""
        SELECT p.site_id, c.site_id, count(*), max(c.ts) FROM ({RestSql}) c
        CROSS JOIN span p ON p.trace_id = c.trace_id AND p.span_id = c.parent_span_id
        WHERE c.parent_span_id IS NOT NULL
        GROUP BY p.site_id, c.site_id;
        """;

    /// <summary>
    /// The edges of folded children whose parent is stored but not folded yet. CROSS JOIN keeps the few waiting
    /// children as the outer loop, each parent one seek of <c>span_trace</c>: with a plain JOIN SQLite, which has
    /// statistics for the span table (the row SqliteSchema writes for <c>span_chunk_span</c>) and none for this small
    /// table, walked the whole span table and looked each span up among the waiting children: 3.5 s per graph on
    /// 1,000,000 spans, with nothing waiting.
    /// </summary>
    internal const string PendingEdgesSql = """
        SELECT p.site_id, w.child_site, count(*), max(w.ts) FROM stats_edge_pending w
        CROSS JOIN span p ON p.trace_id = w.trace_id AND p.span_id = w.parent_span_id
        WHERE w.ts >= $fullFrom AND w.ts < $fullTo
        GROUP BY p.site_id, w.child_site;
        """;

    /// <summary>The graph of [<paramref name="from"/>, <paramref name="to"/>) from the rollups, or null when they do not apply.</summary>
    internal static GraphAnswer? TryGraph(SqliteConnection connection, long from, long to, Func<long, string> processOf, long minSpans)
    {
        using SqliteTransaction snapshot = connection.BeginTransaction(deferred: true);
        if (Value(connection, snapshot, "SELECT name FROM sqlite_master WHERE name = 'stats_edge_minute';") is null)
        {
            return null;
        }

        long last = Convert.ToInt64(Value(connection, snapshot, "SELECT last_id FROM stats_rollup_state WHERE id = 1;") ?? 0L, CultureInfo.InvariantCulture);
        if (Value(connection, snapshot, "SELECT min(ts) FROM span;") is not string oldestText)
        {
            return null;
        }

        long minute = StatsRollup.MicrosecondsPerMinute;
        if (WholeMinutes.Of(from, to, oldestText) is not (long fullFrom, long fullTo))
        {
            return null;
        }

        var sites = new Dictionary<long, (long Count, long Errors)>();
        using (SqliteCommand minutes = RollupSql.Command(connection, snapshot,
            "SELECT site_id, sum(spans), sum(errors) FROM stats_minute WHERE minute >= $from AND minute < $to GROUP BY site_id;",
            ("$from", fullFrom / minute), ("$to", fullTo / minute)))
        using (SqliteDataReader reader = minutes.ExecuteReader())
        {
            while (reader.Read())
            {
                sites[reader.GetInt64(0)] = (reader.GetInt64(1), reader.GetInt64(2));
            }
        }

        if (sites.Values.Sum(s => s.Count) < minSpans)
        {
            return null;
        }

        (string, object)[] restParameters =
        [
            ("$last", last), ("$from", StoreText.Timestamp(from)), ("$fullFrom", StoreText.Timestamp(fullFrom)),
            ("$fullTo", StoreText.Timestamp(fullTo)), ("$to", StoreText.Timestamp(to)),
        ];
        using (SqliteCommand rest = RollupSql.Command(connection, snapshot,
            $"SELECT r.site_id, count(*), sum(r.status = 'ERR') FROM ({RestSql}) r GROUP BY r.site_id;", restParameters))
        using (SqliteDataReader reader = rest.ExecuteReader())
        {
            while (reader.Read())
            {
                sites.TryGetValue(reader.GetInt64(0), out var site);
                sites[reader.GetInt64(0)] = (site.Count + reader.GetInt64(1), site.Errors + reader.GetInt64(2));
            }
        }

        var nodes = new Dictionary<string, (long Count, long Errors, string? Last)>(StringComparer.Ordinal);
        using (SqliteCommand newest = RollupSql.Command(connection, snapshot, "SELECT max(ts) FROM span WHERE site_id = $site AND ts >= $from AND ts < $to;",
            ("$from", StoreText.Timestamp(from)), ("$to", StoreText.Timestamp(to))))
        {
            SqliteParameter site = newest.Parameters.Add("$site", SqliteType.Integer);
            foreach ((long id, (long count, long errors)) in sites)
            {
                if (count == 0)
                {
                    continue;
                }

                site.Value = id;
                string? lastSeen = newest.ExecuteScalar() as string;
                string name = processOf(id);
                nodes.TryGetValue(name, out var node);
                nodes[name] = (node.Count + count, node.Errors + errors, Max(node.Last, lastSeen));
            }
        }

        var edges = new Dictionary<(string, string), (long Count, string? Last)>();
        void AddEdge(long parent, long child, long count, string lastSeen)
        {
            var key = (processOf(parent), processOf(child));
            edges.TryGetValue(key, out var edge);
            edges[key] = (edge.Count + count, Max(edge.Last, lastSeen));
        }

        using (SqliteCommand rolled = RollupSql.Command(connection, snapshot, """
            SELECT parent_site, child_site, sum(calls), max(last_ts) FROM stats_edge_minute
            WHERE minute >= $from AND minute < $to GROUP BY parent_site, child_site;
            """, ("$from", fullFrom / minute), ("$to", fullTo / minute)))
        using (SqliteDataReader reader = rolled.ExecuteReader())
        {
            while (reader.Read())
            {
                AddEdge(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetString(3));
            }
        }

        // Folded children still waiting for a parent that is stored now but not folded yet (it links them when it is).
        using (SqliteCommand waiting = RollupSql.Command(connection, snapshot, PendingEdgesSql,
            ("$fullFrom", StoreText.Timestamp(fullFrom)), ("$fullTo", StoreText.Timestamp(fullTo))))
        using (SqliteDataReader reader = waiting.ExecuteReader())
        {
            while (reader.Read())
            {
                AddEdge(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetString(3));
            }
        }

        using (SqliteCommand joined = RollupSql.Command(connection, snapshot, JoinedEdgesSql, restParameters))
        using (SqliteDataReader reader = joined.ExecuteReader())
        {
            while (reader.Read())
            {
                AddEdge(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetString(3));
            }
        }

        return new GraphAnswer(
            nodes.Where(n => n.Value.Last is not null).OrderBy(n => n.Key, StringComparer.Ordinal)
                .Select(n => new GraphNode(n.Key, n.Value.Count, n.Value.Errors, n.Value.Last!)).ToList(),
            edges.OrderBy(e => e.Key.Item1, StringComparer.Ordinal).ThenBy(e => e.Key.Item2, StringComparer.Ordinal)
                .Select(e => new GraphEdge(e.Key.Item1, e.Key.Item2, e.Value.Count, e.Value.Last!)).ToList());
    }

    private static string? Max(string? a, string? b) => a is null || (b is not null && string.CompareOrdinal(b, a) > 0) ? b : a;

    private static object? Value(SqliteConnection connection, SqliteTransaction transaction, string sql)
    {
        using SqliteCommand command = RollupSql.Command(connection, transaction, sql);
        return command.ExecuteScalar();
    }
}
