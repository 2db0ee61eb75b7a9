using System;
using System.Collections.Generic;
using Microsoft.Data.Sqlite;

namespace Instrumentor.Collector.Store.Sqlite.Rollup;

/// <summary>
/// Per-minute aggregates of the span table, kept by the collector so that <c>/api/stats</c> over a long range reads a
/// few thousand rows instead of every span: for each (site, minute) the spans, the errors, and a
/// <see cref="LogHistogram"/> of the measured durations. Folded from the span table in row id order
/// (<c>stats_rollup_state.last_id</c>), so spans an application writes straight into the file are counted like the
/// ones the collector ingests, late spans land in their own minute, and a fold and its state commit together.
/// Collector tables only: the runtime neither writes nor needs them, and an archive without them is read exactly.
/// </summary>
internal static class StatsRollup
{
    internal const string Schema = """
        CREATE TABLE IF NOT EXISTS stats_minute (
            site_id  INTEGER NOT NULL,
            minute   INTEGER NOT NULL,   -- start, minutes since the Unix epoch (UTC)
            spans    INTEGER NOT NULL,
            errors   INTEGER NOT NULL,
            measured INTEGER NOT NULL,   -- spans with a duration (in the histogram)
            hist     BLOB NOT NULL,      -- LogHistogram: (bucket, count) varint pairs
            PRIMARY KEY (site_id, minute)
        ) WITHOUT ROWID;
        -- Covering: stats over every process read a range of minutes from this index alone, in order (three times
        -- faster than an index of the minute and a lookup of each row in the table).
        DROP INDEX IF EXISTS stats_minute_by_minute;
        CREATE INDEX IF NOT EXISTS stats_minute_by_time ON stats_minute (minute, site_id, spans, errors, hist);
        CREATE TABLE IF NOT EXISTS stats_rollup_state (
            id          INTEGER PRIMARY KEY CHECK (id = 1),
            last_id     INTEGER NOT NULL,            -- the highest span row id folded
            spans_total INTEGER NOT NULL DEFAULT 0   -- sum(stats_minute.spans), kept with every fold and drop
        );
        INSERT OR IGNORE INTO stats_rollup_state (id, last_id) VALUES (1, 0);
        """;

    /// <summary>
    /// Creates the rollup tables, or adds <c>spans_total</c> to the state of a file made by an earlier collector (set
    /// from the rollups it already has, in one transaction, so the running total and the minutes agree from the start).
    /// </summary>
    internal static void EnsureSchema(SqliteConnection connection)
    {
        using SqliteTransaction transaction = connection.BeginTransaction(deferred: false);
        using SqliteCommand command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT count(*) FROM sqlite_master WHERE name = 'stats_edge_minute';";
        bool hadEdges = Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) > 0;
        command.CommandText = Schema + EdgeRollup.Schema;
        command.ExecuteNonQuery();
        if (!hadEdges)
        {
            // Rollups an earlier collector folded have no edges: fold the store again from the start (in the
            // background; stats and the graph read the spans until the fold has caught up).
            command.CommandText = "DELETE FROM stats_minute; UPDATE stats_rollup_state SET last_id = 0 WHERE id = 1;";
            command.ExecuteNonQuery();
        }
        command.CommandText = "SELECT count(*) FROM pragma_table_info('stats_rollup_state') WHERE name = 'spans_total';";
        if (Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) == 0)
        {
            command.CommandText = """
                ALTER TABLE stats_rollup_state ADD COLUMN spans_total INTEGER NOT NULL DEFAULT 0;
                UPDATE stats_rollup_state SET spans_total = (SELECT coalesce(sum(spans), 0) FROM stats_minute);
                """;
            command.ExecuteNonQuery();
        }

        if (!hadEdges)
        {
            command.CommandText = "UPDATE stats_rollup_state SET spans_total = 0 WHERE id = 1;";
            command.ExecuteNonQuery();
        }

        transaction.Commit();
    }

    internal const long MicrosecondsPerMinute = 60_000_000;

    /// <summary>
    /// Folds up to <paramref name="limit"/> spans after the last folded row id into their minutes, and drops the minutes
    /// before the oldest span left (a purge deleted them). One transaction. Returns how many spans it folded.
    /// </summary>
    internal static int Fold(SqliteConnection connection, int limit)
    {
        using SqliteTransaction transaction = connection.BeginTransaction(deferred: false);
        long last = Scalar(connection, transaction, "SELECT last_id FROM stats_rollup_state WHERE id = 1;") ?? 0;
        var minutes = new Dictionary<(long Site, long Minute), Aggregate>();
        var spans = new List<EdgeRollup.FoldedSpan>();
        long highest = last;
        int folded = 0;
        using (SqliteCommand read = connection.CreateCommand())
        {
            read.Transaction = transaction;
            read.CommandText = "SELECT id, site_id, ts, status, duration_ns, trace_id, span_id, parent_span_id FROM span WHERE id > $last ORDER BY id LIMIT $limit;";
            read.Parameters.AddWithValue("$last", last);
            read.Parameters.AddWithValue("$limit", limit);
            using SqliteDataReader reader = read.ExecuteReader();
            while (reader.Read())
            {
                highest = reader.GetInt64(0);
                long minute = WholeMinutes.MinuteOf(reader.GetString(2));

                var key = (reader.GetInt64(1), minute);
                if (!minutes.TryGetValue(key, out Aggregate? aggregate))
                {
                    minutes[key] = aggregate = new Aggregate();
                }

                aggregate.Add(reader.GetString(3) == "ERR", reader.IsDBNull(4) ? null : reader.GetInt64(4));
                spans.Add(new EdgeRollup.FoldedSpan(highest, key.Item1, reader.GetString(2), minute, reader.GetString(5), reader.GetString(6),
                    reader.IsDBNull(7) ? null : reader.GetString(7)));
                folded++;
            }
        }

        if (folded > 0)
        {
            Merge(connection, transaction, minutes);
            EdgeRollup.Fold(connection, transaction, spans, last, highest);
            using SqliteCommand state = connection.CreateCommand();
            state.Transaction = transaction;
            state.CommandText = "UPDATE stats_rollup_state SET last_id = $id, spans_total = spans_total + $folded WHERE id = 1;";
            state.Parameters.AddWithValue("$id", highest);
            state.Parameters.AddWithValue("$folded", folded);
            state.ExecuteNonQuery();
        }

        DropPurgedMinutes(connection, transaction);
        transaction.Commit();
        return folded;
    }

    private static void Merge(SqliteConnection connection, SqliteTransaction transaction, Dictionary<(long Site, long Minute), Aggregate> minutes)
    {
        using SqliteCommand existing = connection.CreateCommand();
        existing.Transaction = transaction;
        existing.CommandText = "SELECT spans, errors, measured, hist FROM stats_minute WHERE site_id = $site AND minute = $minute;";
        SqliteParameter site = existing.Parameters.Add("$site", SqliteType.Integer);
        SqliteParameter minute = existing.Parameters.Add("$minute", SqliteType.Integer);
        using SqliteCommand write = connection.CreateCommand();
        write.Transaction = transaction;
        write.CommandText = "INSERT OR REPLACE INTO stats_minute (site_id, minute, spans, errors, measured, hist) VALUES ($site, $minute, $spans, $errors, $measured, $hist);";
        SqliteParameter wSite = write.Parameters.Add("$site", SqliteType.Integer);
        SqliteParameter wMinute = write.Parameters.Add("$minute", SqliteType.Integer);
        SqliteParameter wSpans = write.Parameters.Add("$spans", SqliteType.Integer);
        SqliteParameter wErrors = write.Parameters.Add("$errors", SqliteType.Integer);
        SqliteParameter wMeasured = write.Parameters.Add("$measured", SqliteType.Integer);
        SqliteParameter wHist = write.Parameters.Add("$hist", SqliteType.Blob);
        foreach (((long s, long m), Aggregate aggregate) in minutes)
        {
            site.Value = s;
            minute.Value = m;
            using (SqliteDataReader reader = existing.ExecuteReader())
            {
                if (reader.Read())
                {
                    aggregate.Spans += reader.GetInt64(0);
                    aggregate.Errors += reader.GetInt64(1);
                    aggregate.Durations.AddEncoded((byte[])reader.GetValue(3));
                }
            }

            wSite.Value = s;
            wMinute.Value = m;
            wSpans.Value = aggregate.Spans;
            wErrors.Value = aggregate.Errors;
            wMeasured.Value = aggregate.Durations.Total;
            wHist.Value = aggregate.Durations.Encode();
            write.ExecuteNonQuery();
        }
    }

    // Minutes wholly before the oldest span left were purged; the oldest span's own minute may be partly purged, and
    // the query reads that minute from the spans (RollupStats), so its row may stay.
    private static void DropPurgedMinutes(SqliteConnection connection, SqliteTransaction transaction)
    {
        using SqliteCommand oldest = connection.CreateCommand();
        oldest.Transaction = transaction;
        oldest.CommandText = "SELECT min(ts) FROM span;";
        object? ts = oldest.ExecuteScalar();
        using SqliteCommand drop = connection.CreateCommand();
        drop.Transaction = transaction;
        // The running total loses what the dropped minutes held, in the same transaction as the drop.
        if (ts is string text)
        {
            drop.CommandText = """
                UPDATE stats_rollup_state SET spans_total = spans_total - (SELECT coalesce(sum(spans), 0) FROM stats_minute WHERE minute < $minute) WHERE id = 1;
                DELETE FROM stats_minute WHERE minute < $minute;
                """;
            drop.Parameters.AddWithValue("$minute", WholeMinutes.MinuteOf(text));
        }
        else
        {
            drop.CommandText = "UPDATE stats_rollup_state SET spans_total = 0 WHERE id = 1; DELETE FROM stats_minute;";
        }

        drop.ExecuteNonQuery();
        EdgeRollup.DropPurged(connection, transaction, ts is string t ? WholeMinutes.MinuteOf(t) : 0, ts as string);
    }

    private static long? Scalar(SqliteConnection connection, SqliteTransaction transaction, string sql)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command.ExecuteScalar() is long value ? value : null;
    }

    private sealed class Aggregate
    {
        public long Spans;
        public long Errors;
        public readonly LogHistogram Durations = new();

        public void Add(bool error, long? durationNanoseconds)
        {
            Spans++;
            if (error)
            {
                Errors++;
            }

            if (durationNanoseconds is { } d)
            {
                Durations.Add(d);
            }
        }
    }
}
