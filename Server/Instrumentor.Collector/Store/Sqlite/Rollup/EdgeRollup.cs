using System;
using System.Collections.Generic;
using Microsoft.Data.Sqlite;

namespace Instrumentor.Collector.Store.Sqlite.Rollup;

/// <summary>
/// Per-minute parent → child call counts for <c>/api/graph</c>, kept with the stats rollups so that the graph over a
/// long range reads a few rows per minute instead of joining every child span to its parent (minutes over a large
/// store). Each folded child is linked to its parent's method when the fold sees it: in the same fold, or already in
/// the span table (a child stored after its parent). A child stored before its parent — the usual order, a child ends
/// first — whose parent is not stored yet waits in <c>stats_edge_pending</c> and is linked when its parent is folded.
/// A child whose parent is not stored within <see cref="PendingWindow"/> of it (a parent in another store, or never
/// recorded) is forgotten: the graph of whole folded minutes then leaves that call out, where the exact graph would
/// count it once the parent arrives.
/// </summary>
internal static class EdgeRollup
{
    internal const string Schema = """
        CREATE TABLE IF NOT EXISTS stats_edge_minute (
            minute      INTEGER NOT NULL,   -- the child's start, minutes since the Unix epoch (UTC)
            parent_site INTEGER NOT NULL,
            child_site  INTEGER NOT NULL,
            calls       INTEGER NOT NULL,
            last_ts     TEXT NOT NULL,      -- the newest child's start
            PRIMARY KEY (minute, parent_site, child_site)
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS stats_edge_pending (
            child_id       INTEGER PRIMARY KEY,   -- span.id of the child
            trace_id       TEXT NOT NULL,
            parent_span_id TEXT NOT NULL,
            child_site     INTEGER NOT NULL,
            ts             TEXT NOT NULL,
            added          INTEGER NOT NULL       -- when the fold put it here, Unix seconds
        );
        CREATE INDEX IF NOT EXISTS stats_edge_pending_parent ON stats_edge_pending (trace_id, parent_span_id);
        """;

    /// <summary>How long a folded child waits for its parent to be stored.</summary>
    internal static readonly TimeSpan PendingWindow = TimeSpan.FromMinutes(5);

    /// <summary>A span read by the fold, as far as the graph needs it.</summary>
    internal readonly record struct FoldedSpan(long Id, long Site, string Ts, long Minute, string TraceId, string SpanId, string? ParentSpanId);

    /// <summary>
    /// Links the children among <paramref name="spans"/> (row ids in (<paramref name="last"/>,
    /// <paramref name="highest"/>]) to their parents and the waiting children to parents among them, in
    /// <paramref name="transaction"/>.
    /// </summary>
    internal static void Fold(SqliteConnection connection, SqliteTransaction transaction, List<FoldedSpan> spans, long last, long highest)
    {
        var edges = new Dictionary<(long Minute, long Parent, long Child), (long Calls, string Last)>();
        void Add(long minute, long parent, long child, string ts)
        {
            edges.TryGetValue((minute, parent, child), out var edge);
            edges[(minute, parent, child)] = (edge.Calls + 1, edge.Last is null || string.CompareOrdinal(ts, edge.Last) > 0 ? ts : edge.Last);
        }

        // Waiting children whose parent is among the spans just folded (one seek of the pending index per span).
        using (SqliteCommand waiting = RollupSql.Command(connection, transaction, """
            SELECT p.child_id, p.child_site, p.ts, s.site_id FROM span s
            JOIN stats_edge_pending p ON p.trace_id = s.trace_id AND p.parent_span_id = s.span_id
            WHERE s.id > $last AND s.id <= $highest;
            """, ("$last", last), ("$highest", highest)))
        {
            var linked = new List<long>();
            using (SqliteDataReader reader = waiting.ExecuteReader())
            {
                while (reader.Read())
                {
                    linked.Add(reader.GetInt64(0));
                    string ts = reader.GetString(2);
                    Add(WholeMinutes.MinuteOf(ts), reader.GetInt64(3), reader.GetInt64(1), ts);
                }
            }

            using SqliteCommand delete = RollupSql.Command(connection, transaction, "DELETE FROM stats_edge_pending WHERE child_id = $id;");
            SqliteParameter id = delete.Parameters.Add("$id", SqliteType.Integer);
            foreach (long child in linked)
            {
                id.Value = child;
                delete.ExecuteNonQuery();
            }
        }

        var inFold = new Dictionary<(string Trace, string Span), long>(spans.Count);
        foreach (FoldedSpan span in spans)
        {
            inFold[(span.TraceId, span.SpanId)] = span.Site;
        }

        using SqliteCommand parentSite = RollupSql.Command(connection, transaction, "SELECT site_id FROM span WHERE trace_id = $trace AND span_id = $span LIMIT 1;");
        SqliteParameter trace = parentSite.Parameters.Add("$trace", SqliteType.Text);
        SqliteParameter spanId = parentSite.Parameters.Add("$span", SqliteType.Text);
        using SqliteCommand wait = RollupSql.Command(connection, transaction, """
            INSERT OR IGNORE INTO stats_edge_pending (child_id, trace_id, parent_span_id, child_site, ts, added) VALUES ($id, $trace, $parent, $site, $ts, $now);
            """, ("$now", DateTimeOffset.UtcNow.ToUnixTimeSeconds()));
        SqliteParameter wId = wait.Parameters.Add("$id", SqliteType.Integer);
        SqliteParameter wTrace = wait.Parameters.Add("$trace", SqliteType.Text);
        SqliteParameter wParent = wait.Parameters.Add("$parent", SqliteType.Text);
        SqliteParameter wSite = wait.Parameters.Add("$site", SqliteType.Integer);
        SqliteParameter wTs = wait.Parameters.Add("$ts", SqliteType.Text);
        foreach (FoldedSpan span in spans)
        {
            if (span.ParentSpanId is not { } parent)
            {
                continue;
            }

            if (inFold.TryGetValue((span.TraceId, parent), out long site))
            {
                Add(span.Minute, site, span.Site, span.Ts);
                continue;
            }

            trace.Value = span.TraceId;
            spanId.Value = parent;
            if (parentSite.ExecuteScalar() is long stored)
            {
                Add(span.Minute, stored, span.Site, span.Ts);
                continue;
            }

            wId.Value = span.Id;
            wTrace.Value = span.TraceId;
            wParent.Value = parent;
            wSite.Value = span.Site;
            wTs.Value = span.Ts;
            wait.ExecuteNonQuery();
        }

        Merge(connection, transaction, edges);
        using SqliteCommand expire = RollupSql.Command(connection, transaction, "DELETE FROM stats_edge_pending WHERE added < $before;",
            ("$before", DateTimeOffset.UtcNow.Add(-PendingWindow).ToUnixTimeSeconds()));
        expire.ExecuteNonQuery();
    }

    /// <summary>Drops the edges of minutes before <paramref name="minute"/> and the waiting children older than <paramref name="oldestTs"/> (purged).</summary>
    internal static void DropPurged(SqliteConnection connection, SqliteTransaction transaction, long minute, string? oldestTs)
    {
        using SqliteCommand drop = oldestTs is null
            ? RollupSql.Command(connection, transaction, "DELETE FROM stats_edge_minute; DELETE FROM stats_edge_pending;")
            : RollupSql.Command(connection, transaction, "DELETE FROM stats_edge_minute WHERE minute < $minute; DELETE FROM stats_edge_pending WHERE ts < $oldest;",
                ("$minute", minute), ("$oldest", oldestTs));
        drop.ExecuteNonQuery();
    }

    private static void Merge(SqliteConnection connection, SqliteTransaction transaction, Dictionary<(long Minute, long Parent, long Child), (long Calls, string Last)> edges)
    {
        using SqliteCommand write = RollupSql.Command(connection, transaction, """
            INSERT INTO stats_edge_minute (minute, parent_site, child_site, calls, last_ts) VALUES ($minute, $parent, $child, $calls, $last)
            ON CONFLICT (minute, parent_site, child_site) DO UPDATE SET calls = calls + excluded.calls, last_ts = max(last_ts, excluded.last_ts);
            """);
        SqliteParameter minute = write.Parameters.Add("$minute", SqliteType.Integer);
        SqliteParameter parent = write.Parameters.Add("$parent", SqliteType.Integer);
        SqliteParameter child = write.Parameters.Add("$child", SqliteType.Integer);
        SqliteParameter calls = write.Parameters.Add("$calls", SqliteType.Integer);
        SqliteParameter lastTs = write.Parameters.Add("$last", SqliteType.Text);
        foreach (((long m, long p, long c), (long n, string l)) in edges)
        {
            minute.Value = m;
            parent.Value = p;
            child.Value = c;
            calls.Value = n;
            lastTs.Value = l;
            write.ExecuteNonQuery();
        }
    }
}
