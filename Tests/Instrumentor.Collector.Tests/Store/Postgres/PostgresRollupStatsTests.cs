using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Instrumentor.Collector.Store;
using Instrumentor.Collector.Store.Postgres;
using Instrumentor.Collector.Store.Sqlite;
using Instrumentor.Collector.Tests.Infrastructure;
using Npgsql;

namespace Instrumentor.Collector.Tests.Store.Postgres;

/// <summary>
/// <c>/api/stats</c> over long ranges from the per-minute stats of the PostgreSQL store is the same answer, to the
/// byte, as the SQLite store's rollups give for the same spans: both count a minute in the bucket where it starts,
/// read the partial minutes at both ends from the spans and merge the same histograms (one BucketStats code).
/// </summary>
public class PostgresRollupStatsTests
{
    private const int Spans = 12_000;

    private static readonly string[] s_processes = ["Shop.PricingService.PriceOrder", "Shop.Stock.Reserve", "Shop.Cart.Add", "Shop.Mail.Send"];

    [Test]
    public async Task The_stats_of_both_stores_are_the_same_answer_for_the_same_spans()
    {
        string connection = PostgresServer.NewDatabase("rollup_same");
        await using RunningCollector sqlite = await RunningCollector.StartAsync();
        await using RunningCollector postgres = await RunningCollector.StartAsync(o => o with { Postgres = connection });
        // Whole microseconds (what both stores keep), over the 3 hours before `end`.
        DateTime end = new DateTime(DateTime.UtcNow.Ticks / 10 * 10, DateTimeKind.Utc).AddMinutes(-5);
        var random = new Random(11);
        for (int batch = 0; batch < Spans / 1_000; batch++)
        {
            string body = Events.Batch(Enumerable.Range(batch * 1_000, 1_000).Select(i => Events.Event(
                process: s_processes[(i * 7 + i / 13) % s_processes.Length],
                status: i % 23 == 0 ? "ERR" : "OK",
                start: end.AddTicks(-(long)(3 * TimeSpan.TicksPerHour * (double)(Spans - i) / Spans) / 10 * 10 - random.Next(10_000) * 10),
                durationMs: i % 41 == 0 ? null : Math.Round(0.02 + random.NextDouble() * random.NextDouble() * 120, 4))).ToList());
            foreach (RunningCollector collector in new[] { sqlite, postgres })
            {
                using HttpResponseMessage response = await collector.PostJsonAsync("/v1/uploads", body);
                ((int)response.StatusCode).ShouldBe(200, await response.Content.ReadAsStringAsync());
            }
        }

        await sqlite.Server.Rollups.FoldAllAsync(CancellationToken.None);
        var sqliteQueries = (SqliteTraceQueries)sqlite.Server.Store.Queries;
        var postgresQueries = (PostgresTraceQueries)postgres.Server.Store.Queries;
        sqliteQueries.RollupMinSpans = 1_000;
        postgresQueries.RollupMinSpans = 1_000;

        long origin = StoreText.ToUnixMicroseconds(new DateTimeOffset(end));
        var ranges = new List<(long From, long To, string? Process, int Buckets)>
        {
            // Starts and ends inside minutes (ends read from the spans), buckets not aligned on minutes.
            (origin - 10_000_000_000L + 17_123_456, origin - 600_000_000 + 42_654_321, null, 30),
            (origin - 10_000_000_000L + 17_123_456, origin - 600_000_000 + 42_654_321, "Shop.Stock.Reserve", 30),
            // Whole minutes only, one bucket per 10 minutes.
            (origin / 60_000_000 * 60_000_000 - 9_600_000_000L, origin / 60_000_000 * 60_000_000 - 600_000_000, null, 15),
            (origin - 8_000_000_000L, origin - 1_000_000_000L, "Shop.Mail.Send", 7),
        };
        foreach ((long from, long to, string? process, int buckets) in ranges)
        {
            sqliteQueries.Stats(from, to, process, buckets, useRollups: true, out bool fromRollups);
            fromRollups.ShouldBeTrue("the SQLite side of the comparison is its rollup path");
            using (var db = new NpgsqlConnection(connection))
            {
                db.Open();
                PostgresRollupStats.TryStats(db, from, to, null, buckets, _ => "", minSpans: 1_000)
                    .ShouldNotBeNull("the PostgreSQL side is its per-minute path");
            }

            string query = $"/api/stats?from={Iso(from)}&to={Iso(to)}&buckets={buckets}" + (process is null ? "" : "&process=" + process);
            string fromSqlite = await sqlite.Client.GetStringAsync(query);
            string fromPostgres = await postgres.Client.GetStringAsync(query);
            fromPostgres.ShouldBe(fromSqlite, query);
            fromPostgres.ShouldContain("\"p95_ms\":", Case.Sensitive, query);
        }
    }

    private static string Iso(long microseconds) =>
        DateTime.UnixEpoch.AddTicks(microseconds * 10).ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
}
