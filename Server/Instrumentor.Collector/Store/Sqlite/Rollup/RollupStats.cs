using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Instrumentor.Collector.Json;
using Microsoft.Data.Sqlite;

namespace Instrumentor.Collector.Store.Sqlite.Rollup;

/// <summary>
/// <c>/api/stats</c> from the per-minute rollups (<see cref="StatsRollup"/>): the whole minutes of the range that are
/// folded come from <c>stats_minute</c>; the partial minutes at both ends, the oldest span's minute (a purge may have
/// taken part of it) and the spans not folded yet come from the span table. Counts and errors are exact; percentiles
/// come from the merged histograms (within 2 %). Used only for ranges holding more than <see cref="DefaultMinSpans"/>
/// spans (folded): below that, reading the spans is fast and the percentiles stay exact.
/// </summary>
internal static class RollupStats
{
    /// <summary>Ranges with fewer folded spans than this are computed exactly from the spans.</summary>
    internal const long DefaultMinSpans = 20_000;

    /// <summary>
    /// The stats of [<paramref name="from"/>, <paramref name="to"/>) from the rollups, or null when they do not apply
    /// (no rollup tables, as in an archive; a range shorter than two minutes; fewer than <paramref name="minSpans"/> spans).
    /// Runs in one read transaction, so the rollups and the fold state are one snapshot.
    /// </summary>
    internal static IReadOnlyList<StatsItem>? TryStats(SqliteConnection connection, long from, long to, string siteCondition, int buckets,
        Func<long, string> processOf, long minSpans)
    {
        using SqliteTransaction snapshot = connection.BeginTransaction(deferred: true);
        if (Text(connection, snapshot, "SELECT name FROM sqlite_master WHERE name = 'stats_rollup_state';") is null)
        {
            return null;
        }

        long last = Convert.ToInt64(Value(connection, snapshot, "SELECT last_id FROM stats_rollup_state WHERE id = 1;") ?? 0L, CultureInfo.InvariantCulture);
        string? oldestText = Text(connection, snapshot, "SELECT min(ts) FROM span;");
        if (oldestText is null)
        {
            return null;
        }

        long minute = StatsRollup.MicrosecondsPerMinute;
        if (WholeMinutes.Of(from, to, oldestText) is not (long fullFrom, long fullTo))
        {
            return null;
        }

        long width = Math.Max(1, (to - from + buckets - 1) / buckets);
        var perProcess = new ProcessBuckets(buckets, processOf);

        int BucketOf(long microseconds) => (int)Math.Clamp((microseconds - from) / width, 0, buckets - 1);

        using (SqliteCommand rollups = connection.CreateCommand())
        {
            rollups.Transaction = snapshot;
            // SQLite groups the minutes into the answer's time buckets (a minute counts in the bucket where it starts, as
            // BucketOf): one row per method and bucket instead of one per minute, the counts summed and the histograms
            // concatenated (an encoded histogram is a list of (bucket, count) pairs, so a concatenation of them is their
            // sum). Reading each of 28,800 minute rows through the ADO.NET reader cost more than all the rest.
            rollups.CommandText = "SELECT s.site_id, min(max((s.minute * $minute - $fromUs) / $width, 0), $last) AS bucket, sum(s.spans), sum(s.errors),"
                + " CAST(group_concat(s.hist, '') AS BLOB) FROM stats_minute s WHERE s.minute >= $from AND s.minute < $to"
                + siteCondition + " GROUP BY s.site_id, bucket;";
            rollups.Parameters.AddWithValue("$from", fullFrom / minute);
            rollups.Parameters.AddWithValue("$to", fullTo / minute);
            rollups.Parameters.AddWithValue("$minute", minute);
            rollups.Parameters.AddWithValue("$fromUs", from);
            rollups.Parameters.AddWithValue("$width", width);
            rollups.Parameters.AddWithValue("$last", buckets - 1);
            using SqliteDataReader reader = rollups.ExecuteReader();
            while (reader.Read())
            {
                BucketStats p = perProcess.Of(reader.GetInt64(0));
                int bucket = (int)reader.GetInt64(1);
                p.Add(bucket, reader.GetInt64(2), reader.GetInt64(3));
                p.Histogram(bucket).AddEncoded(reader.IsDBNull(4) ? [] : (byte[])reader.GetValue(4));
            }
        }

        long total = perProcess.Count;
        if (total < minSpans)
        {
            return null;
        }

        using (SqliteCommand raw = connection.CreateCommand())
        {
            raw.Transaction = snapshot;
            // The ends outside the whole folded minutes (folded spans only; two ranges of the time or site index), then
            // every span not folded yet: a rowid range from the fold state. The unary + keeps SQLite off the time and
            // site indexes there, which would walk the whole range to find the few unfolded rows.
            string unindexedSite = siteCondition.Replace("s.site_id", "+s.site_id", StringComparison.Ordinal);
            raw.CommandText = $"""
                SELECT s.site_id, s.ts, s.status, s.duration_ns FROM span s
                WHERE +s.id <= $last AND ((s.ts >= $from AND s.ts < $fullFrom) OR (s.ts >= $fullTo AND s.ts < $to)){siteCondition}
                UNION ALL
                SELECT s.site_id, s.ts, s.status, s.duration_ns FROM span s
                WHERE s.id > $last AND +s.ts >= $from AND +s.ts < $to{unindexedSite};
                """;
            raw.Parameters.AddWithValue("$last", last);
            raw.Parameters.AddWithValue("$from", StoreText.Timestamp(from));
            raw.Parameters.AddWithValue("$fullFrom", StoreText.Timestamp(fullFrom));
            raw.Parameters.AddWithValue("$fullTo", StoreText.Timestamp(fullTo));
            raw.Parameters.AddWithValue("$to", StoreText.Timestamp(to));
            using SqliteDataReader reader = raw.ExecuteReader();
            while (reader.Read())
            {
                BucketStats p = perProcess.Of(reader.GetInt64(0));
                int bucket = BucketOf(StoreText.ParseTimestamp(reader.GetString(1)));
                p.Add(bucket, 1, reader.GetString(2) == "ERR" ? 1 : 0);
                if (!reader.IsDBNull(3))
                {
                    p.Histogram(bucket).Add(reader.GetInt64(3));
                }
            }
        }

        return perProcess.Items(from, width);
    }

    private static object? Value(SqliteConnection connection, SqliteTransaction transaction, string sql)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    private static string? Text(SqliteConnection connection, SqliteTransaction transaction, string sql) =>
        Value(connection, transaction, sql) as string;
}
