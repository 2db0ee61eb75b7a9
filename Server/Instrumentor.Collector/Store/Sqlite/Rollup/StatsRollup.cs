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
        CREATE INDEX IF NOT EXISTS stats_minute_by_minute ON stats_minute (minute);
        CREATE TABLE IF NOT EXISTS stats_rollup_state (
            id      INTEGER PRIMARY KEY CHECK (id = 1),
            last_id INTEGER NOT NULL     -- the highest span row id folded
        );
        INSERT OR IGNORE INTO stats_rollup_state (id, last_id) VALUES (1, 0);
        """;

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
        long highest = last;
        int folded = 0;
        using (SqliteCommand read = connection.CreateCommand())
        {
            read.Transaction = transaction;
            read.CommandText = "SELECT id, site_id, ts, status, duration_ns FROM span WHERE id > $last ORDER BY id LIMIT $limit;";
            read.Parameters.AddWithValue("$last", last);
            read.Parameters.AddWithValue("$limit", limit);
            using SqliteDataReader reader = read.ExecuteReader();
            while (reader.Read())
            {
                highest = reader.GetInt64(0);
                long minute = Math.DivRem(StoreText.ParseTimestamp(reader.GetString(2)), MicrosecondsPerMinute, out long rest);
                if (rest < 0)
                {
                    minute--;
                }

                var key = (reader.GetInt64(1), minute);
                if (!minutes.TryGetValue(key, out Aggregate? aggregate))
                {
                    minutes[key] = aggregate = new Aggregate();
                }

                aggregate.Add(reader.GetString(3) == "ERR", reader.IsDBNull(4) ? null : reader.GetInt64(4));
                folded++;
            }
        }

        if (folded > 0)
        {
            Merge(connection, transaction, minutes);
            using SqliteCommand state = connection.CreateCommand();
            state.Transaction = transaction;
            state.CommandText = "UPDATE stats_rollup_state SET last_id = $id WHERE id = 1;";
            state.Parameters.AddWithValue("$id", highest);
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
        if (ts is string text)
        {
            drop.CommandText = "DELETE FROM stats_minute WHERE minute < $minute;";
            drop.Parameters.AddWithValue("$minute", Math.Floor(StoreText.ParseTimestamp(text) / (double)MicrosecondsPerMinute));
        }
        else
        {
            drop.CommandText = "DELETE FROM stats_minute;";
        }

        drop.ExecuteNonQuery();
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
