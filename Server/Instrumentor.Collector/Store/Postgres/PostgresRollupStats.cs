using System;
using System.Collections.Generic;
using System.Data;
using System.Linq;
using System.Runtime.CompilerServices;
using Instrumentor.Collector.Json;
using Instrumentor.Collector.Store.Sqlite.Rollup;
using Npgsql;
using NpgsqlTypes;

namespace Instrumentor.Collector.Store.Postgres;

/// <summary>
/// <c>/api/stats</c> from <c>stats_minute</c> (<see cref="PostgresStats"/>): the whole minutes of the range come from
/// the minute rows, the partial minutes at both ends from the span table (grouped by the server into time and
/// histogram buckets). The minute rows are read one by one: grouping them into the answer's buckets in SQL (the
/// histograms summed by unnest and array_agg, or their arrays concatenated), as the SQLite store does with
/// group_concat, was measured and read slower through Npgsql than the rows themselves (docs/benchmarks.md, section 13).
/// The histogram arrays are read in their binary form (<c>array_send</c>, <see cref="PostgresArrayWire"/>). Counts and errors are exact; percentiles come from the merged histograms (within 2 %). Used
/// for ranges of at least two whole minutes holding more than <see cref="DefaultMinSpans"/> spans: below that, ranking
/// the spans is fast and the percentiles stay exact.
/// </summary>
internal static class PostgresRollupStats
{
    /// <summary>
    /// Ranges with fewer spans in whole minutes than this are computed exactly from the spans. Lower than SQLite's
    /// (<see cref="RollupStats.DefaultMinSpans"/>): ranking 10,000 spans on the server took 65 ms at the median on a
    /// loaded machine, where their minutes take a few.
    /// </summary>
    internal const long DefaultMinSpans = 2_000;

    /// <summary>
    /// The stats of [<paramref name="from"/>, <paramref name="to"/>) from the minutes, or null when they do not apply.
    /// One repeatable-read transaction: the minutes and the spans are one snapshot.
    /// </summary>
    // Optimized from the first call: the stats are asked a few times a minute, too rarely for tiering to reach these loops.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static IReadOnlyList<StatsItem>? TryStats(NpgsqlConnection connection, long from, long to, List<long>? siteIds, int buckets,
        Func<long, string> processOf, long minSpans, PostgresMinuteCache? cache = null)
    {
        long minute = PostgresStats.MicrosecondsPerMinute;
        long fullFrom = (PostgresStats.Minute(from - 1) + 1) * minute;
        long fullTo = PostgresStats.Minute(to) * minute;
        if (fullTo - fullFrom < 2 * minute)
        {
            return null;
        }

        long width = Math.Max(1, (to - from + buckets - 1) / buckets);
        int BucketOf(long microseconds) => (int)Math.Clamp((microseconds - from) / width, 0, buckets - 1);
        var perProcess = new ProcessBuckets(buckets, processOf);

        // Site names are resolved after each reader closes (a new site costs a query on this connection).
        using NpgsqlTransaction snapshot = connection.BeginTransaction(IsolationLevel.RepeatableRead);
        List<MinuteRow>? minutes = ReadMinutes(connection, snapshot, fullFrom / minute, fullTo / minute, siteIds, minSpans, cache);
        if (minutes is null)
        {
            return null;
        }

        foreach (MinuteRow row in minutes)
        {
            int timeBucket = BucketOf(row.Minute * minute);
            BucketStats stats = perProcess.Of(row.Site);
            stats.Add(timeBucket, row.Spans, row.Errors);
            PostgresArrayWire.AddTo(stats.Histogram(timeBucket), row.Buckets, row.Counts);
        }

        var ends = new List<(long Site, long TimeBucket, short Bucket, long Spans, long Errors)>();
        // Two plain ranges (UNION ALL): each one index range of its own partition, where an OR of them may be planned
        // as a scan of every partition.
        using (var command = new NpgsqlCommand($"""
            SELECT s.site_id, floor((extract(epoch FROM s.ts) * 1000000 - @from) / @width)::bigint, {PostgresStats.BucketSql},
                   count(*), count(*) FILTER (WHERE s.status = 'ERR')
            FROM (SELECT site_id, ts, status, duration_ns FROM span s WHERE s.ts >= @fromTs AND s.ts < @fullFromTs{SiteCache.Condition(siteIds)}
                  UNION ALL
                  SELECT site_id, ts, status, duration_ns FROM span s WHERE s.ts >= @fullToTs AND s.ts < @toTs{SiteCache.Condition(siteIds)}) s
            GROUP BY 1, 2, 3;
            """, connection, snapshot))
        {
            command.Parameters.AddWithValue("from", from);
            command.Parameters.AddWithValue("width", width);
            command.Parameters.AddWithValue("fromTs", PostgresTime.FromMicroseconds(from));
            command.Parameters.AddWithValue("fullFromTs", PostgresTime.FromMicroseconds(fullFrom));
            command.Parameters.AddWithValue("fullToTs", PostgresTime.FromMicroseconds(fullTo));
            command.Parameters.AddWithValue("toTs", PostgresTime.FromMicroseconds(to));
            using NpgsqlDataReader reader = command.ExecuteReader();
            while (reader.Read())
            {
                ends.Add((reader.GetInt64(0), reader.GetInt64(1), reader.GetInt16(2), reader.GetInt64(3), reader.GetInt64(4)));
            }
        }

        snapshot.Commit();
        foreach ((long site, long timeBucket, short bucket, long spans, long errors) in ends)
        {
            // One (time bucket, histogram bucket) cell of the partial minutes; histogram bucket -1: not measured.
            int inRange = (int)Math.Clamp(timeBucket, 0, buckets - 1);
            BucketStats stats = perProcess.Of(site);
            stats.Add(inRange, spans, errors);
            if (bucket >= 0)
            {
                stats.Histogram(inRange).Add(bucket, spans);
            }
        }

        return perProcess.Items(from, width);
    }

    // A minute row with its version and its histogram arrays in binary form (what MinuteRow holds).
    private const string RowColumns = "s.site_id, s.minute, s.spans, s.errors, s.xmin::text::bigint, array_send(s.buckets), array_send(s.counts)";

    /// <summary>
    /// The minute rows of [<paramref name="fromMinute"/>, <paramref name="toMinute"/>) with their histogram arrays, or
    /// null when they count fewer than <paramref name="minSpans"/> spans. The rows are listed without their arrays
    /// first (with their row version), and only the arrays the cache does not hold at that version are read, in the
    /// same snapshot. Without a cache (tests), one used for this call only: every array is read.
    /// </summary>
    private static List<MinuteRow>? ReadMinutes(NpgsqlConnection connection, NpgsqlTransaction snapshot, long fromMinute, long toMinute,
        List<long>? siteIds, long minSpans, PostgresMinuteCache? cache)
    {
        cache ??= new PostgresMinuteCache();
        string range = "FROM stats_minute s WHERE s.minute >= @from AND s.minute < @to" + SiteCache.Condition(siteIds);
        var rows = new List<MinuteRow>();
        var listed = new List<MinuteRow>();
        using (var command = new NpgsqlCommand($"SELECT s.site_id, s.minute, s.spans, s.errors, s.xmin::text::bigint {range};", connection, snapshot))
        {
            command.Parameters.AddWithValue("from", fromMinute);
            command.Parameters.AddWithValue("to", toMinute);
            using NpgsqlDataReader reader = command.ExecuteReader();
            while (reader.Read())
            {
                listed.Add(new MinuteRow(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4), [], []));
            }
        }

        if (listed.Sum(r => r.Spans) < minSpans)
        {
            return null;
        }

        var missing = new List<MinuteRow>();
        foreach (MinuteRow row in listed)
        {
            if (cache.TryGet(row.Site, row.Minute, row.Xmin, out byte[] buckets, out byte[] counts))
            {
                rows.Add(row with { Buckets = buckets, Counts = counts });
            }
            else
            {
                missing.Add(row);
            }
        }

        if (missing.Count > listed.Count / 2)
        {
            // Most are missing (the first call, a new range): the whole range again, arrays included.
            rows.Clear();
            ReadRows(connection, snapshot, $"SELECT {RowColumns} {range};", fromMinute, toMinute, rows, cache);
        }
        else if (missing.Count > 0)
        {
            // The minutes still filling, and any a purge or a late span changed: by key, same snapshot.
            ReadRows(connection, snapshot,
                $"SELECT {RowColumns} FROM stats_minute s JOIN unnest(@sites, @minutes) AS k(site_id, minute) ON s.site_id = k.site_id AND s.minute = k.minute;",
                fromMinute, toMinute, rows, cache, missing);
        }

        return rows;
    }

    private static void ReadRows(NpgsqlConnection connection, NpgsqlTransaction snapshot, string sql, long fromMinute, long toMinute,
        List<MinuteRow> into, PostgresMinuteCache cache, List<MinuteRow>? keys = null)
    {
        using var command = new NpgsqlCommand(sql, connection, snapshot);
        command.Parameters.AddWithValue("from", fromMinute);
        command.Parameters.AddWithValue("to", toMinute);
        if (keys is not null)
        {
            command.Parameters.Add(new NpgsqlParameter("sites", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = keys.Select(k => k.Site).ToArray() });
            command.Parameters.Add(new NpgsqlParameter("minutes", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = keys.Select(k => k.Minute).ToArray() });
        }

        using NpgsqlDataReader reader = command.ExecuteReader();
        while (reader.Read())
        {
            var row = new MinuteRow(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4),
                reader.GetFieldValue<byte[]>(5), reader.GetFieldValue<byte[]>(6));
            into.Add(row);
            cache.Set(row.Site, row.Minute, row.Xmin, row.Buckets, row.Counts);
        }
    }

    /// <summary>One row of <c>stats_minute</c>: its counts, its version (<c>xmin</c>) and its histogram arrays in binary form.</summary>
    private readonly record struct MinuteRow(long Site, long Minute, long Spans, long Errors, long Xmin, byte[] Buckets, byte[] Counts);
}
