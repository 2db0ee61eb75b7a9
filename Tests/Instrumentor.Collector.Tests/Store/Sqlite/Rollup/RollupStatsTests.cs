using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Instrumentor.Collector.Json;
using Instrumentor.Collector.Store;
using Instrumentor.Collector.Store.Sqlite;
using Instrumentor.Collector.Tests.Infrastructure;

namespace Instrumentor.Collector.Tests.Store.Sqlite.Rollup;

/// <summary>
/// <c>/api/stats</c> over a long range from the per-minute rollups gives the exact counts and errors of the spans,
/// per process and per time bucket, and percentiles within 2 % of the exact ones, whether the spans are folded or not,
/// and after a purge.
/// </summary>
public class RollupStatsTests
{
    private const int Spans = 24_000;

    [Test]
    public async Task Stats_from_the_rollups_match_the_exact_stats_folded_or_not_and_after_a_purge()
    {
        await using RunningCollector collector = await RunningCollector.StartAsync();
        DateTime end = DateTime.UtcNow.AddMinutes(-10);
        var random = new Random(7);
        for (int batch = 0; batch < Spans / 1_000; batch++)
        {
            IEnumerable<string> events = Enumerable.Range(batch * 1_000, 1_000).Select(i => Events.Event(
                process: i % 3 == 0 ? "Shop.Stock.Reserve" : "Shop.PricingService.PriceOrder",
                status: i % 31 == 0 ? "ERR" : "OK",
                start: end.AddSeconds(-3 * 3600.0 * (Spans - i) / Spans).AddTicks(random.Next(10_000)),
                durationMs: i % 62 == 0 ? null : Math.Round(0.05 + random.NextDouble() * random.NextDouble() * 80, 4)));
            using HttpResponseMessage response = await collector.PostJsonAsync("/v1/uploads", Events.Batch(events));
            ((int)response.StatusCode).ShouldBe(200);
        }

        var queries = (SqliteTraceQueries)collector.Server.Store.Queries;
        // The default (20,000) would leave one process's or a shorter range's stats on the exact path.
        queries.RollupMinSpans = 1_000;
        long from = StoreText.ToUnixMicroseconds(new DateTimeOffset(end.AddHours(-4)));
        long to = StoreText.ToUnixMicroseconds(new DateTimeOffset(end.AddMinutes(5)));

        // Whatever the background fold has reached so far (too little folded: exact from the spans).
        Same(queries, from, to, null, requireRollups: false);
        await collector.Server.Rollups.FoldAllAsync(CancellationToken.None);
        Scalar(collector, "SELECT sum(spans) FROM stats_minute").ShouldBe(Spans);
        Scalar(collector, "SELECT last_id FROM stats_rollup_state").ShouldBe(Scalar(collector, "SELECT max(id) FROM span"));
        Same(queries, from, to, null);
        Same(queries, from, to, "Shop.Stock.Reserve");
        // A range that starts and ends inside minutes: the ends come from the spans.
        Same(queries, from + 3_600_000_000 + 17_123_456, to - 1_800_000_000 - 42_654_321, null);

        // The oldest quarter purged: the rollups of the purged minutes are dropped at the next fold, before it they
        // are not read (the range starts at the oldest span left).
        long purged = await collector.Server.Writer.RunAsync(store => store.PurgeOldest(Spans / 4), CancellationToken.None);
        purged.ShouldBe(Spans / 4);
        // The purge takes its spans out of their minutes in its own transaction, the minute it cut into included.
        Scalar(collector, "SELECT sum(spans) FROM stats_minute").ShouldBe(Spans - Spans / 4);
        Same(queries, from, to, null);
        await collector.Server.Rollups.FoldAllAsync(CancellationToken.None);
        Same(queries, from, to, null);
        Scalar(collector, "SELECT sum(spans) FROM stats_minute").ShouldBe(Spans - Spans / 4);
        Scalar(collector, "SELECT sum(errors) FROM stats_minute").ShouldBe(Scalar(collector, "SELECT count(*) FROM span WHERE status = 'ERR'"));
    }

    [Test]
    public async Task A_short_or_small_range_is_computed_exactly_from_the_spans()
    {
        await using RunningCollector collector = await RunningCollector.StartAsync();
        DateTime now = DateTime.UtcNow;
        using (HttpResponseMessage response = await collector.PostJsonAsync("/v1/uploads", Events.Batch(
            Enumerable.Range(0, 300).Select(i => Events.Event(start: now.AddMinutes(-i), durationMs: 1 + i)))))
        {
            ((int)response.StatusCode).ShouldBe(200);
        }

        await collector.Server.Rollups.FoldAllAsync(CancellationToken.None);
        var queries = (SqliteTraceQueries)collector.Server.Store.Queries;
        long from = StoreText.ToUnixMicroseconds(new DateTimeOffset(now.AddHours(-6)));
        long to = StoreText.ToUnixMicroseconds(new DateTimeOffset(now.AddMinutes(1)));
        StatsItem item = queries.Stats(from, to, null, 10, useRollups: true, out bool fromRollups).Single();
        fromRollups.ShouldBeFalse();
        item.ShouldBeEquivalentTo(queries.Stats(from, to, null, 10, useRollups: false).Single());
        item.P50Ms.ShouldBe(150, "exact: 300 calls of 1..300 ms");
    }

    private static void Same(SqliteTraceQueries queries, long from, long to, string? process, bool requireRollups = true)
    {
        IReadOnlyList<StatsItem> exact = queries.Stats(from, to, process, 24, useRollups: false);
        IReadOnlyList<StatsItem> rolled = queries.Stats(from, to, process, 24, useRollups: true, out bool fromRollups);
        if (requireRollups)
        {
            fromRollups.ShouldBeTrue("a range of thousands of folded spans is read from the rollups");
        }

        rolled.Select(i => i.Process).ShouldBe(exact.Select(i => i.Process));
        for (int i = 0; i < exact.Count; i++)
        {
            StatsItem e = exact[i];
            StatsItem r = rolled[i];
            r.Count.ShouldBe(e.Count, e.Process);
            r.Errors.ShouldBe(e.Errors, e.Process);
            Close(r.P50Ms, e.P50Ms, "p50 " + e.Process);
            Close(r.P95Ms, e.P95Ms, "p95 " + e.Process);
            Close(r.P99Ms, e.P99Ms, "p99 " + e.Process);
            r.Buckets.Select(b => b.T).ShouldBe(e.Buckets.Select(b => b.T));
            // A minute is counted in the bucket where it starts: bucket edges move by less than a minute, so the
            // per-bucket counts may differ by the spans of one minute each side, but not their sum.
            r.Buckets.Sum(b => b.Count).ShouldBe(e.Count);
            r.Buckets.Sum(b => b.Errors).ShouldBe(e.Errors);
            for (int b = 0; b < e.Buckets.Count; b++)
            {
                Math.Abs(r.Buckets[b].Count - e.Buckets[b].Count).ShouldBeLessThanOrEqualTo(Spans * 2 / (3 * 60), $"bucket {b} of {e.Process}");
            }
        }
    }

    private static void Close(double? actual, double? expected, string what)
    {
        expected.ShouldNotBeNull(what);
        actual.ShouldNotBeNull(what);
        Math.Abs(actual.Value - expected.Value).ShouldBeLessThanOrEqualTo(expected.Value * 0.021 + 0.0001, what);
    }

    private static long Scalar(RunningCollector collector, string sql) => Convert.ToInt64(collector.Scalar(sql), CultureInfo.InvariantCulture);
}
