using System;
using System.Collections.Generic;
using Instrumentor.Collector.Store.Sqlite.Rollup;
using Npgsql;
using NpgsqlTypes;

namespace Instrumentor.Collector.Store.Postgres;

/// <summary>
/// The per-minute stats of the PostgreSQL store (<c>stats_minute</c>): for each (site, minute) the spans, the errors
/// and a <see cref="LogHistogram"/> of the measured durations as two arrays (buckets, counts). Kept in the same
/// transaction as the spans they count: an ingest adds what it stored, a purge takes off what it deleted, dropping a
/// day partition drops that day's minutes. So they are exact at every commit, for every collector on the database,
/// without a background fold (a fold by row id, as on SQLite, would miss the rows of another collector's transaction
/// that commits after a higher id). <c>/api/status</c> sums them instead of counting the span table, and
/// <c>/api/stats</c> over long ranges reads them (<see cref="PostgresRollupStats"/>).
/// </summary>
internal static class PostgresStats
{
    internal const long MicrosecondsPerMinute = 60_000_000;

    /// <summary>
    /// The histogram bucket of <c>duration_ns</c> in SQL (-1: not measured): <see cref="LogHistogram.BucketOf"/> with its
    /// constants (γ = 1.04, 770 buckets) written out.
    /// </summary>
    internal const string BucketSql =
        "(CASE WHEN duration_ns IS NULL THEN -1 WHEN duration_ns <= 1 THEN 0 ELSE least(769, floor(ln(duration_ns::double precision) / ln(1.04::double precision)))::integer END)::smallint";

    /// <summary>Recomputes every minute from the span table (the schema upgrade; spans written by SQL of one's own).</summary>
    internal const string RebuildSql = $$"""
        DELETE FROM stats_minute;
        INSERT INTO stats_minute (site_id, minute, spans, errors, buckets, counts)
        SELECT site_id, minute, sum(n)::bigint, sum(e)::bigint,
               coalesce(array_agg(bucket ORDER BY bucket) FILTER (WHERE bucket >= 0), '{}'),
               coalesce(array_agg(n ORDER BY bucket) FILTER (WHERE bucket >= 0), '{}')
        FROM (SELECT site_id, floor(extract(epoch FROM ts) / 60)::bigint AS minute, {{BucketSql}} AS bucket,
                     count(*) AS n, count(*) FILTER (WHERE status = 'ERR') AS e
              FROM span GROUP BY 1, 2, 3) g
        GROUP BY site_id, minute;
        """;

    // Minutes in key order: two collectors adding to the same minutes take their row locks in the same order.
    private const string UpsertSql = """
        INSERT INTO stats_minute AS m (site_id, minute, spans, errors, buckets, counts)
        SELECT site_id, minute, sum(spans)::bigint, sum(errors)::bigint,
               coalesce(array_agg(bucket ORDER BY bucket) FILTER (WHERE bucket >= 0), '{}'),
               coalesce(array_agg(spans ORDER BY bucket) FILTER (WHERE bucket >= 0), '{}')
        FROM unnest(@site, @minute, @bucket, @spans, @errors) AS u(site_id, minute, bucket, spans, errors)
        GROUP BY site_id, minute
        ORDER BY site_id, minute
        ON CONFLICT (site_id, minute) DO UPDATE SET
            spans = m.spans + excluded.spans,
            errors = m.errors + excluded.errors,
            (buckets, counts) = (
                SELECT coalesce(array_agg(b ORDER BY b), '{}'), coalesce(array_agg(c ORDER BY b), '{}')
                FROM (SELECT b, sum(c)::bigint AS c
                      FROM (SELECT * FROM unnest(m.buckets, m.counts) UNION ALL SELECT * FROM unnest(excluded.buckets, excluded.counts)) x(b, c)
                      GROUP BY b HAVING sum(c) <> 0) y);
        """;

    /// <summary>The minute (since the epoch, UTC) a time falls in.</summary>
    internal static long Minute(long unixMicroseconds)
    {
        long minute = Math.DivRem(unixMicroseconds, MicrosecondsPerMinute, out long rest);
        return rest < 0 ? minute - 1 : minute;
    }

    /// <summary>What a write adds to (or a purge takes off) the minutes, per (site, minute, histogram bucket).</summary>
    internal sealed class Delta
    {
        private readonly Dictionary<(long Site, long Minute, short Bucket), (long Spans, long Errors)> _cells = new();

        public bool IsEmpty => _cells.Count == 0;

        /// <summary>Counts one span in its minute: <paramref name="sign"/> 1 for a span stored, -1 for a span deleted.</summary>
        public void Add(long site, long startUnixMicroseconds, bool error, long? durationNanoseconds, int sign = 1)
        {
            short bucket = durationNanoseconds is { } d ? (short)LogHistogram.BucketOf(d) : (short)-1;
            var key = (site, Minute(startUnixMicroseconds), bucket);
            _cells.TryGetValue(key, out (long Spans, long Errors) cell);
            _cells[key] = (cell.Spans + sign, cell.Errors + (error ? sign : 0));
        }

        /// <summary>Adds the cells to <c>stats_minute</c> (one statement, in the caller's transaction).</summary>
        public void Apply(NpgsqlConnection connection)
        {
            if (_cells.Count == 0)
            {
                return;
            }

            int n = _cells.Count;
            var sites = new long[n];
            var minutes = new long[n];
            var buckets = new short[n];
            var spans = new long[n];
            var errors = new long[n];
            int i = 0;
            foreach (((long site, long minute, short bucket), (long s, long e)) in _cells)
            {
                sites[i] = site;
                minutes[i] = minute;
                buckets[i] = bucket;
                spans[i] = s;
                errors[i] = e;
                i++;
            }

            using var command = new NpgsqlCommand(UpsertSql, connection);
            command.Parameters.Add(new NpgsqlParameter("site", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = sites });
            command.Parameters.Add(new NpgsqlParameter("minute", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = minutes });
            command.Parameters.Add(new NpgsqlParameter("bucket", NpgsqlDbType.Array | NpgsqlDbType.Smallint) { Value = buckets });
            command.Parameters.Add(new NpgsqlParameter("spans", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = spans });
            command.Parameters.Add(new NpgsqlParameter("errors", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = errors });
            command.ExecuteNonQuery();
        }
    }

    /// <summary>Spans stored: the sum of the minutes (a few thousand rows a day, not the span table).</summary>
    internal static long Total(NpgsqlConnection connection)
    {
        using var command = new NpgsqlCommand("SELECT coalesce(sum(spans), 0)::bigint FROM stats_minute;", connection);
        return (long)command.ExecuteScalar()!;
    }

    /// <summary>Drops the minutes of one day (its partition was dropped); returns the spans they counted.</summary>
    internal static long DropDay(NpgsqlConnection connection, long day)
    {
        using var command = new NpgsqlCommand(
            "WITH d AS (DELETE FROM stats_minute WHERE minute >= @from AND minute < @to RETURNING spans) SELECT coalesce(sum(spans), 0)::bigint FROM d;", connection);
        command.Parameters.AddWithValue("from", day * 1440);
        command.Parameters.AddWithValue("to", (day + 1) * 1440);
        return (long)command.ExecuteScalar()!;
    }

    /// <summary>Removes minutes left with no span after a purge took its spans off.</summary>
    internal static void DropEmpty(NpgsqlConnection connection, long throughMinute)
    {
        using var command = new NpgsqlCommand("DELETE FROM stats_minute WHERE minute <= @minute AND spans <= 0;", connection);
        command.Parameters.AddWithValue("minute", throughMinute);
        command.ExecuteNonQuery();
    }
}
