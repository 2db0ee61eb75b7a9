using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Instrumentor.Collector.Json;
using Instrumentor.Collector.Store.Postgres;
using Instrumentor.Collector.Store.Sqlite.Rollup;
using Instrumentor.Collector.Tests.Infrastructure;
using Npgsql;

namespace Instrumentor.Collector.Tests.Store.Postgres;

/// <summary>
/// The per-minute stats of the PostgreSQL store (<c>stats_minute</c>): kept with the spans at every ingest and purge,
/// so they always equal what the span table holds; <c>/api/status</c> and long <c>/api/stats</c> ranges read them.
/// </summary>
public class PostgresStatsTests
{
    private static readonly DateTime s_minute = new DateTime(DateTime.UtcNow.Ticks / TimeSpan.TicksPerMinute * TimeSpan.TicksPerMinute, DateTimeKind.Utc).AddMinutes(-30);

    // What the minutes must hold, recomputed from the spans (buckets by the SQL form, checked against LogHistogram below).
    private const string Mismatches = $$"""
        WITH expected AS (
            SELECT site_id, minute, sum(n) AS spans, sum(e) AS errors,
                   coalesce(array_agg(bucket ORDER BY bucket) FILTER (WHERE bucket >= 0), '{}') AS buckets,
                   coalesce(array_agg(n ORDER BY bucket) FILTER (WHERE bucket >= 0), '{}') AS counts
            FROM (SELECT site_id, floor(extract(epoch FROM ts) / 60)::bigint AS minute, {{PostgresStats.BucketSql}} AS bucket,
                         count(*) AS n, count(*) FILTER (WHERE status = 'ERR') AS e
                  FROM span GROUP BY 1, 2, 3) g
            GROUP BY site_id, minute)
        SELECT count(*) FROM expected x FULL JOIN stats_minute y USING (site_id, minute)
        WHERE x.spans IS DISTINCT FROM y.spans OR x.errors IS DISTINCT FROM y.errors OR x.buckets IS DISTINCT FROM y.buckets OR x.counts IS DISTINCT FROM y.counts;
        """;

    private static async Task<JsonElement> PostAsync(RunningCollector collector, string body)
    {
        using HttpResponseMessage response = await collector.PostJsonAsync("/v1/uploads", body);
        string text = await response.Content.ReadAsStringAsync();
        ((int)response.StatusCode).ShouldBe(200, text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    // Spans over minutes 0 to 3 of s_minute, several processes, every 7th failing, one in 10 not measured.
    private static string[] Spans(int count, int seed) => Enumerable.Range(0, count).Select(i => Events.Event(
        process: "Stats.P" + ((i + seed) % 3),
        status: (i + seed) % 7 == 0 ? "ERR" : "OK",
        start: s_minute.AddMilliseconds((i * 997 + seed * 31) % 240_000),
        durationMs: (i + seed) % 10 == 0 ? null : 0.05 + ((i * 7919 + seed) % 5000) / 100.0)).ToArray();

    [Test]
    public void The_SQL_bucket_of_a_duration_is_the_histogram_bucket_of_the_collector()
    {
        var durations = new List<long> { 0, 1, 2, 3, 25, 26, 27, 1000, 1_039, 1_040, 1_041, 1_000_000, 999_999_999, 10_000_000_000_000, long.MaxValue / 2 };
        var random = new Random(7);
        for (int i = 0; i < 2000; i++)
        {
            durations.Add((long)Math.Pow(10, random.NextDouble() * 12));
        }

        using var connection = new NpgsqlConnection(PostgresServer.NewDatabase("buckets"));
        connection.Open();
        using var command = new NpgsqlCommand($"SELECT {PostgresStats.BucketSql} FROM unnest(@d) WITH ORDINALITY AS t(duration_ns, n) ORDER BY n;", connection);
        command.Parameters.AddWithValue("d", durations.ToArray());
        var sql = new List<int>();
        using (NpgsqlDataReader reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                sql.Add(reader.GetInt16(0));
            }
        }

        sql.ShouldBe(durations.Select(LogHistogram.BucketOf).ToList());
    }

    [Test]
    public async Task The_minutes_count_every_stored_span_once_retries_and_duplicates_included()
    {
        string connection = PostgresServer.NewDatabase("stats");
        var database = new PostgresDatabase(connection);
        await using RunningCollector a = await RunningCollector.StartAsync(o => o with { Postgres = connection });
        await using RunningCollector b = await RunningCollector.StartAsync(o => o with { Postgres = connection });
        string[] first = Spans(400, 1);

        await PostAsync(a, Events.Batch(first));
        // The same spans again under new batch ids (to both collectors at once), with new ones among them; a batch id twice.
        string[] mixed = first.Take(150).Concat(Spans(50, 2)).ToArray();
        JsonElement[] answers = await Task.WhenAll(PostAsync(a, Events.Batch(mixed)), PostAsync(b, Events.Batch(mixed)),
            PostAsync(a, Events.Batch(Spans(30, 3), batchId: "stats-b1")), PostAsync(b, Events.Batch(Spans(30, 3), batchId: "stats-b1")));

        answers.Sum(x => x.GetProperty("accepted").GetInt32()).ShouldBe(80);
        database.Scalar("SELECT count(*) FROM span;").ShouldBe(480);
        database.Scalar("SELECT sum(spans) FROM stats_minute;").ShouldBe(480);
        database.Scalar(Mismatches).ShouldBe(0, "every (site, minute) holds the spans, errors and duration buckets of its spans");
        (await a.GetJsonAsync("/api/status")).GetProperty("spans_total").GetInt64().ShouldBe(480);
        (await b.GetJsonAsync("/api/status")).GetProperty("spans_total").GetInt64().ShouldBe(480);
    }

    [Test]
    public async Task Retention_takes_what_it_purges_off_the_minutes()
    {
        string connection = PostgresServer.NewDatabase("stats_purge");
        var database = new PostgresDatabase(connection);
        await using RunningCollector collector = await RunningCollector.StartAsync(o => o with
        {
            Postgres = connection, Retention = TimeSpan.FromDays(1), RetentionInterval = TimeSpan.FromDays(1),
        });
        DateTime now = DateTime.UtcNow;
        await PostAsync(collector, Events.Batch(Enumerable.Range(0, 100).Select(i => Events.Event(start: now.AddDays(-3).AddSeconds(i)))));
        // Across the cutoff, within minutes that keep some of their spans.
        await PostAsync(collector, Events.Batch(Enumerable.Range(0, 240).Select(i => Events.Event(status: i % 5 == 0 ? "ERR" : "OK",
            start: now.AddDays(-1).AddMinutes(-2).AddSeconds(i), durationMs: i % 4 == 0 ? null : i))));
        await PostAsync(collector, Events.Batch(Spans(60, 4)));

        // (The collector's own first retention run may have done part of it already.)
        await collector.Server.Retention.RunOnceAsync(CancellationToken.None);

        long left = database.Scalar("SELECT count(*) FROM span;");
        left.ShouldBeInRange(170, 180, "the 60 recent spans and the ~120 after the cutoff");
        database.Scalar("SELECT coalesce(sum(spans), 0) FROM stats_minute;").ShouldBe(left);
        database.Scalar(Mismatches).ShouldBe(0);
        database.Scalar("SELECT count(*) FROM stats_minute WHERE spans <= 0;").ShouldBe(0, "a minute left empty is removed");
        (await collector.GetJsonAsync("/api/status")).GetProperty("spans_total").GetInt64().ShouldBe(left);
    }

    [Test]
    public async Task Stats_from_the_minutes_have_the_exact_counts_and_percentiles_within_two_percent()
    {
        string connection = PostgresServer.NewDatabase("stats_query");
        await using RunningCollector collector = await RunningCollector.StartAsync(o => o with { Postgres = connection });
        for (int i = 0; i < 6; i++)
        {
            await PostAsync(collector, Events.Batch(Spans(300, 10 + i)));
        }

        // 1,800 spans: below PostgresRollupStats.DefaultMinSpans, so the API's own answer is the exact one.
        var queries = (PostgresTraceQueries)collector.Server.Store.Queries;
        using var db = new NpgsqlConnection(connection);
        db.Open();
        Dictionary<long, string> names = PostgresStatsFixtures.SiteNames(db);

        long origin = PostgresStatsFixtures.UnixMicroseconds(s_minute);
        // Partial minutes at both ends (read from the spans), and whole minutes in 2-minute buckets (from the minutes).
        foreach ((long from, long to, int buckets) in new[] { (origin + 20_000_000, origin + 220_000_000, 1), (origin, origin + 240_000_000, 2) })
        {
            IReadOnlyList<StatsItem> rolled = PostgresRollupStats.TryStats(db, from, to, null, buckets, site => names[site], minSpans: 0)
                .ShouldNotBeNull();
            IReadOnlyList<StatsItem> exact = queries.Stats(from, to, null, buckets);
            rolled.Select(i => i.Process).ShouldBe(exact.Select(i => i.Process));
            foreach ((StatsItem r, StatsItem e) in rolled.Zip(exact))
            {
                r.Count.ShouldBe(e.Count, r.Process);
                r.Errors.ShouldBe(e.Errors, r.Process);
                r.Buckets.Select(x => x.Count).ShouldBe(e.Buckets.Select(x => x.Count), r.Process);
                r.Buckets.Select(x => x.Errors).ShouldBe(e.Buckets.Select(x => x.Errors), r.Process);
                r.P50Ms!.Value.ShouldBe(e.P50Ms!.Value, e.P50Ms.Value * 0.021, r.Process);
                r.P95Ms!.Value.ShouldBe(e.P95Ms!.Value, e.P95Ms.Value * 0.021, r.Process);
                r.P99Ms!.Value.ShouldBe(e.P99Ms!.Value, e.P99Ms.Value * 0.021, r.Process);
            }
        }

        PostgresRollupStats.TryStats(db, origin + 20_000_000, origin + 100_000_000, null, 1, site => names[site], minSpans: 0)
            .ShouldBeNull("less than two whole minutes: the spans are read");
        PostgresRollupStats.TryStats(db, origin, origin + 240_000_000, null, 1, site => names[site], minSpans: 100_000)
            .ShouldBeNull("fewer spans than the threshold: exact percentiles");
    }

    [Test]
    public async Task A_database_of_version_1_gets_its_minutes_from_the_spans_it_holds()
    {
        string connection = PostgresServer.NewDatabase("stats_upgrade");
        var database = new PostgresDatabase(connection);
        await using (RunningCollector collector = await RunningCollector.StartAsync(o => o with { Postgres = connection }))
        {
            await PostAsync(collector, Events.Batch(Spans(300, 5)));
        }

        database.Execute("DROP TABLE stats_minute; UPDATE instrumentor_schema SET version = 1;");

        using (PostgresTraceStore.Open(connection))
        {
        }

        database.Scalar("SELECT version FROM instrumentor_schema;").ShouldBe(PostgresSchema.CurrentVersion);
        database.Scalar("SELECT sum(spans) FROM stats_minute;").ShouldBe(300);
        database.Scalar(Mismatches).ShouldBe(0);
    }
}
