using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Text.Json;
using System.Threading.Tasks;
using Npgsql;

namespace Instrumentor.Benchmarks.Collector;

/// <summary>
/// <c>--postgres-queries [--spans N] [--runs N]</c>: the query API of <c>serve --postgres</c> on a big store
/// (docs/benchmarks.md, "PostgreSQL store"). A throwaway PostgreSQL server gets N spans (default 1,000,000: traces of
/// 5 spans over 20 processes, 3% of the children failing, random ids, start times over the last 5 hours) written by
/// SQL straight into the collector's tables (and its per-minute stats computed from them, as its schema upgrade does), then each API call runs <c>--runs</c> times (first call discarded) and
/// the table shows p50 / p95 / max.
/// </summary>
internal static class PostgresQueryRun
{
    internal static async Task<int> ExecuteAsync(string[] args)
    {
        int spans = CollectorLoadRun.Option(args, "--spans", 1_000_000);
        int runs = CollectorLoadRun.Option(args, "--runs", 20);
        using var cluster = Testing.PostgresCluster.Start("max_wal_size=4GB");
        string connection = cluster.CreateDatabase("queries");
        string directory = Path.Combine(Path.GetTempPath(), "instrumentor-pg-queries-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        Console.WriteLine($"# PostgreSQL store: query API on {spans:N0} spans, {runs} runs per call");
        Console.WriteLine($"{DateTime.UtcNow:yyyy-MM-ddTHH:mm:ssZ}, {Environment.ProcessorCount} cores, load average {Measure.LoadAverage()}");
        try
        {
            // The collector creates the schema; the spans then go in by SQL (the ingest rate is --collector-load's job).
            await using CollectorProcess server = await CollectorProcess.StartAsync(Path.Combine(directory, "unused.db"), "--retention", "0", "--postgres", connection)
                .ConfigureAwait(false);
            var fill = Stopwatch.StartNew();
            (string trace, string span, string cursor) = Fill(connection, spans);
            Console.WriteLine($"filled in {fill.Elapsed.TotalSeconds:F0} s (INSERT ... SELECT, then ANALYZE); load average {Measure.LoadAverage()}");

            using var http = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromMinutes(5) };
            string hourAgo = DateTime.UtcNow.AddHours(-2).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
            string hourEnd = DateTime.UtcNow.AddHours(-1).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
            string dayAgo = DateTime.UtcNow.AddHours(-24).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
            var calls = new List<(string Name, string Url)>
            {
                ("newest page", "api/spans?limit=50"),
                ("next page (cursor)", "api/spans?limit=50&cursor=" + cursor),
                ("one process", "api/spans?limit=50&process=Bench.Service7.Method"),
                ("`status=ERR`", "api/spans?limit=50&status=ERR"),
                ("a 1 h window", $"api/spans?limit=50&from={hourAgo}&to={hourEnd}"),
                ("trace by id", "api/traces/" + trace),
                ("span by id", "api/spans/" + span),
                ("`/api/status`", "api/status"),
                ("`/api/stats`, one process, 1 h", $"api/stats?process=Bench.Service7.Method&from={hourAgo}&to={hourEnd}"),
                ("`/api/stats`, 24 h, every process", $"api/stats?from={dayAgo}"),
                ("text, a rare term (`q=c4242`, 100 spans)", "api/spans?limit=50&q=c4242"),
                ("text, a term of no span (`q=no-such-value`)", "api/spans?limit=50&q=no-such-value"),
            };
            Console.WriteLine();
            Console.WriteLine("| query API call | p50 ms | p95 ms | max ms |");
            Console.WriteLine("|---|---:|---:|---:|");
            foreach ((string name, string url) in calls)
            {
                var times = new List<double>();
                int count = runs;
                for (int i = 0; i <= count; i++)
                {
                    long began = Stopwatch.GetTimestamp();
                    using HttpResponseMessage response = await http.GetAsync(url).ConfigureAwait(false);
                    await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
                    double ms = Stopwatch.GetElapsedTime(began).TotalMilliseconds;
                    if (!response.IsSuccessStatusCode)
                    {
                        throw new InvalidOperationException($"{url}: {(int)response.StatusCode}");
                    }

                    if (i > 0)
                    {
                        times.Add(ms);
                    }
                }

                Console.WriteLine($"| {name} | {Measure.Percentile(times, 50):F1} | {Measure.Percentile(times, 95):F1} | {Measure.Percentile(times, 100):F1} |");
            }

            RollupReadsAB(connection, runs);
            Console.WriteLine();
            Console.WriteLine($"load average after: {Measure.LoadAverage()}; store size {StoreBytes(connection) / 1_048_576.0:N0} MiB");
            return 0;
        }
        finally
        {
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private static (string Trace, string Span, string Cursor) Fill(string connectionString, int spans)
    {
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        Execute(connection, "INSERT INTO site (process, process_group, service) SELECT 'Bench.Service' || g || '.Method', 'bench', 'bench-api' FROM generate_series(0, 19) g;");
        DateTime yesterday = DateTime.UtcNow.Date.AddDays(-1);
        Execute(connection, string.Create(CultureInfo.InvariantCulture,
            $"CREATE TABLE IF NOT EXISTS span_{yesterday:yyyyMMdd} PARTITION OF span FOR VALUES FROM ('{yesterday:yyyy-MM-dd} 00:00:00+00') TO ('{yesterday.AddDays(1):yyyy-MM-dd} 00:00:00+00');"));
        // Chunks of 100,000 rows: one transaction each, as an ingest would commit them.
        for (int from = 0; from < spans; from += 100_000)
        {
            Execute(connection, string.Create(CultureInfo.InvariantCulture, $$"""
                INSERT INTO span (ts, site_id, trace_id, span_id, parent_span_id, status, duration_ns, thread_id, data)
                SELECT now() - interval '5 hours' + (i * (18000.0 / {{spans}})) * interval '1 second',
                       (SELECT min(id) FROM site) + (i / 5 + i % 5) % 20,
                       md5('t' || (i / 5)::text),
                       substr(md5(i::text), 1, 16),
                       CASE WHEN i % 5 = 0 THEN NULL ELSE substr(md5((i - i % 5)::text), 1, 16) END,
                       CASE WHEN i % 5 <> 0 AND (i * 7919) % 100 < 3 THEN 'ERR' ELSE 'OK' END,
                       ((i * 7919) % 50000) * 1000 + 1000,
                       i % 64,
                       '[{"n":"customer","v":"c' || (i % 10000) || '"},{"n":"result","o":1,"v":"ok"}]'
                FROM generate_series({{from}}::bigint, {{Math.Min(spans, from + 100_000) - 1}}::bigint) i;
                """));
        }

        // The per-minute stats the collector keeps at ingest, recomputed from the spans written here by SQL: the
        // statement of the collector's schema upgrade (PostgresStats.RebuildSql, buckets of LogHistogram).
        Execute(connection, """
            DELETE FROM stats_minute;
            INSERT INTO stats_minute (site_id, minute, spans, errors, buckets, counts)
            SELECT site_id, minute, sum(n)::bigint, sum(e)::bigint,
                   coalesce(array_agg(bucket ORDER BY bucket) FILTER (WHERE bucket >= 0), '{}'),
                   coalesce(array_agg(n ORDER BY bucket) FILTER (WHERE bucket >= 0), '{}')
            FROM (SELECT site_id, floor(extract(epoch FROM ts) / 60)::bigint AS minute,
                         (CASE WHEN duration_ns IS NULL THEN -1 WHEN duration_ns <= 1 THEN 0
                               ELSE least(769, floor(ln(duration_ns::double precision) / ln(1.04::double precision)))::integer END)::smallint AS bucket,
                         count(*) AS n, count(*) FILTER (WHERE status = 'ERR') AS e
                  FROM span GROUP BY 1, 2, 3) g
            GROUP BY site_id, minute;
            """);
        Execute(connection, "ANALYZE;");
        string trace = Scalar(connection, $"SELECT md5('t' || {spans / 10});");
        string span = Scalar(connection, $"SELECT substr(md5('{spans / 3}'), 1, 16);");
        // A cursor in the middle of the newest page's successors: what the second page asks.
        using var command = new NpgsqlCommand("SELECT ts, id FROM span ORDER BY ts DESC, id DESC OFFSET 50 LIMIT 1;", connection);
        using NpgsqlDataReader reader = command.ExecuteReader();
        reader.Read();
        string ts = reader.GetDateTime(0).ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture);
        byte[] bytes = new byte[8 + ts.Length];
        System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(bytes, reader.GetInt64(1));
        System.Text.Encoding.UTF8.GetBytes(ts, bytes.AsSpan(8));
        return (trace, span, System.Buffers.Text.Base64Url.EncodeToString(bytes));
    }

    // What the 24 h stats read of stats_minute, four ways, alternating in one connection: every minute row with its
    // histogram arrays in their binary form (array_send as bytea, walked here: what the collector reads), every minute
    // row with the arrays read by Npgsql (what it read before), or the minutes grouped by the server into 30 time buckets with the
    // histograms summed there (unnest, group by histogram bucket, array_agg) or their arrays concatenated (an
    // aggregate over array_cat, created here), as the SQLite store groups its minutes with group_concat.
    private static void RollupReadsAB(string connectionString, int runs)
    {
        const string perMinute = "SELECT s.site_id, s.minute, s.spans, s.errors, s.buckets, s.counts FROM stats_minute s WHERE s.minute >= @from AND s.minute < @to;";
        const string perMinuteBinary = "SELECT s.site_id, s.minute, s.spans, s.errors, array_send(s.buckets), array_send(s.counts) FROM stats_minute s WHERE s.minute >= @from AND s.minute < @to;";
        const string grouped = """
            WITH m AS (
                SELECT s.site_id, least(greatest((s.minute * @minute - @fromUs) / @width, 0), @last)::integer AS bucket,
                       s.spans, s.errors, s.buckets, s.counts
                FROM stats_minute s WHERE s.minute >= @from AND s.minute < @to)
            SELECT t.site_id, t.bucket, t.spans, t.errors, coalesce(h.buckets, '{}'), coalesce(h.counts, '{}')
            FROM (SELECT site_id, bucket, sum(spans)::bigint AS spans, sum(errors)::bigint AS errors FROM m GROUP BY site_id, bucket) t
            LEFT JOIN (SELECT site_id, bucket, array_agg(b ORDER BY b) AS buckets, array_agg(c ORDER BY b) AS counts
                       FROM (SELECT m.site_id, m.bucket, u.b, sum(u.c)::bigint AS c
                             FROM m CROSS JOIN LATERAL unnest(m.buckets, m.counts) AS u(b, c)
                             GROUP BY m.site_id, m.bucket, u.b) x
                       GROUP BY site_id, bucket) h ON h.site_id = t.site_id AND h.bucket = t.bucket;
            """;
        const string concatenated = """
            SELECT s.site_id, least(greatest((s.minute * @minute - @fromUs) / @width, 0), @last)::integer AS bucket,
                   sum(s.spans)::bigint, sum(s.errors)::bigint,
                   instrumentor_array_cat(s.buckets ORDER BY s.minute), instrumentor_array_cat(s.counts ORDER BY s.minute)
            FROM stats_minute s WHERE s.minute >= @from AND s.minute < @to
            GROUP BY 1, 2;
            """;
        using NpgsqlDataSource source = NpgsqlDataSource.Create(connectionString);
        using NpgsqlConnection connection = source.OpenConnection();
        using (var create = new NpgsqlCommand(
            "CREATE OR REPLACE AGGREGATE instrumentor_array_cat(anycompatiblearray) (SFUNC = array_cat, STYPE = anycompatiblearray, INITCOND = '{}');", connection))
        {
            create.ExecuteNonQuery();
        }

        long minuteUs = 60_000_000;
        long to = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000;
        long from = to - 24 * 3600_000_000L;
        string[] reads = [perMinuteBinary, perMinute, grouped, concatenated];
        var times = reads.ToDictionary(r => r, _ => new List<double>());
        var rows = new Dictionary<string, int>();
        for (int i = 0; i <= runs; i++)
        {
            foreach (string sql in reads)
            {
                long began = Stopwatch.GetTimestamp();
                using var command = new NpgsqlCommand(sql, connection);
                command.Parameters.AddWithValue("from", from / minuteUs + 1);
                command.Parameters.AddWithValue("to", to / minuteUs);
                command.Parameters.AddWithValue("minute", minuteUs);
                command.Parameters.AddWithValue("fromUs", from);
                command.Parameters.AddWithValue("width", (to - from + 29) / 30);
                command.Parameters.AddWithValue("last", 29);
                int n = 0;
                using (NpgsqlDataReader reader = command.ExecuteReader())
                {
                    while (reader.Read())
                    {
                        // The arrays are what the collector reads (and what cost the time): decode them as it does.
                        if (ReferenceEquals(sql, perMinuteBinary))
                        {
                            _ = SumBinaryArray(reader.GetFieldValue<byte[]>(4), 2) + SumBinaryArray(reader.GetFieldValue<byte[]>(5), 8);
                        }
                        else
                        {
                            _ = reader.GetFieldValue<short[]>(4);
                            _ = reader.GetFieldValue<long[]>(5);
                        }

                        n++;
                    }
                }

                if (i > 0)
                {
                    times[sql].Add(Stopwatch.GetElapsedTime(began).TotalMilliseconds);
                }

                rows[sql] = n;
            }
        }

        Console.WriteLine();
        Console.WriteLine($"24 h of stats_minute read through Npgsql, {runs} alternating runs each (load average {Measure.LoadAverage()}):");
        Console.WriteLine();
        Console.WriteLine("| read | rows | p50 ms | p95 ms |");
        Console.WriteLine("|---|---:|---:|---:|");
        Console.WriteLine($"| every minute row, arrays in binary form (`array_send`; what the collector reads) | {rows[perMinuteBinary]:N0} | {Measure.Percentile(times[perMinuteBinary], 50):F1} | {Measure.Percentile(times[perMinuteBinary], 95):F1} |");
        Console.WriteLine($"| every minute row, arrays read by Npgsql (what it read before) | {rows[perMinute]:N0} | {Measure.Percentile(times[perMinute], 50):F1} | {Measure.Percentile(times[perMinute], 95):F1} |");
        Console.WriteLine($"| minutes grouped into 30 buckets, histograms summed by the server | {rows[grouped]:N0} | {Measure.Percentile(times[grouped], 50):F1} | {Measure.Percentile(times[grouped], 95):F1} |");
        Console.WriteLine($"| minutes grouped into 30 buckets, histogram arrays concatenated | {rows[concatenated]:N0} | {Measure.Percentile(times[concatenated], 50):F1} | {Measure.Percentile(times[concatenated], 95):F1} |");
    }

    // Walks a one-dimensional binary array (header of 20 bytes, then a 4-byte length and the value per element), as
    // the collector's PostgresArrayWire does, summing the elements so the walk is not optimized away.
    private static long SumBinaryArray(byte[] data, int width)
    {
        if (data.Length < 20)
        {
            return 0;
        }

        long sum = 0;
        for (int at = 20 + 4; at + width <= data.Length; at += 4 + width)
        {
            sum += width == 2 ? System.Buffers.Binary.BinaryPrimitives.ReadInt16BigEndian(data.AsSpan(at)) : System.Buffers.Binary.BinaryPrimitives.ReadInt64BigEndian(data.AsSpan(at));
        }

        return sum;
    }

    private static long StoreBytes(string connectionString)
    {
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        using var command = new NpgsqlCommand("SELECT pg_database_size(current_database());", connection);
        return (long)command.ExecuteScalar()!;
    }

    private static string Scalar(NpgsqlConnection connection, string sql)
    {
        using var command = new NpgsqlCommand(sql, connection);
        return (string)command.ExecuteScalar()!;
    }

    private static void Execute(NpgsqlConnection connection, string sql)
    {
        using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 1800 };
        command.ExecuteNonQuery();
    }
}
