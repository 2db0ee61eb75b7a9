using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Instrumentor.Collector.Json;
using Instrumentor.Collector.Store.Postgres;
using Instrumentor.Collector.Tests.Infrastructure;
using Npgsql;

namespace Instrumentor.Collector.Tests.Store.Postgres;

/// <summary>
/// <c>/api/stats</c> keeps the histogram arrays of the minute rows it read (<see cref="PostgresMinuteCache"/>), by row
/// version: whatever changes a minute afterwards (an ingest into it, a purge, another collector) makes the next answer
/// read that minute again. Each answer is compared with one computed without the cache, on the same database.
/// </summary>
public class PostgresMinuteCacheTests
{
    private static readonly DateTime s_minute = new DateTime(DateTime.UtcNow.Ticks / TimeSpan.TicksPerMinute * TimeSpan.TicksPerMinute, DateTimeKind.Utc).AddMinutes(-20);

    private static string[] Spans(int count, int seed, int minutes = 10) => Enumerable.Range(0, count).Select(i => Events.Event(
        process: "Cache.P" + ((i + seed) % 3),
        status: (i + seed) % 9 == 0 ? "ERR" : "OK",
        start: s_minute.AddMilliseconds((i * 7919 + seed * 131) % (minutes * 60_000)),
        durationMs: 0.05 + ((i * 104_729 + seed) % 9000) / 100.0)).ToArray();

    [Test]
    public async Task Cached_stats_stay_the_answer_without_the_cache_through_ingest_and_purge()
    {
        string connection = PostgresServer.NewDatabase("minute_cache");
        await using RunningCollector collector = await RunningCollector.StartAsync(o => o with { Postgres = connection });
        await collector.PostJsonAsync("/v1/uploads", Events.Batch(Spans(600, 1)));
        using var db = new NpgsqlConnection(connection);
        db.Open();
        Dictionary<long, string> names = PostgresStatsFixtures.SiteNames(db);
        var cache = new PostgresMinuteCache();
        long from = PostgresStatsFixtures.UnixMicroseconds(s_minute) - 30_000_000;
        long to = PostgresStatsFixtures.UnixMicroseconds(s_minute.AddMinutes(10)) + 30_000_000;

        string Answer(PostgresMinuteCache? with) => JsonSerializer.Serialize(
            PostgresRollupStats.TryStats(db, from, to, null, 5, site => names[site], minSpans: 0, with).ShouldNotBeNull());

        string first = Answer(cache);
        first.ShouldBe(Answer(null));
        cache.Count.ShouldBeGreaterThan(0, "the first answer filled the cache");
        Answer(cache).ShouldBe(first, "nothing changed: the same answer, from the cache");

        // Spans into a few of the cached minutes (and a new process): those minutes are new row versions.
        using (var response = await collector.PostJsonAsync("/v1/uploads", Events.Batch(Spans(40, 7, minutes: 2))))
        {
            ((int)response.StatusCode).ShouldBe(200);
        }

        names = PostgresStatsFixtures.SiteNames(db);
        string afterIngest = Answer(cache);
        afterIngest.ShouldNotBe(first);
        afterIngest.ShouldBe(Answer(null));

        // A purge takes spans off minutes (the oldest rows before a cutoff, with their minutes in the same transaction).
        int purged = collector.Server.Store.PurgeOlderThan(PostgresStatsFixtures.UnixMicroseconds(s_minute.AddMinutes(3)), 100);
        purged.ShouldBeGreaterThan(0);
        string afterPurge = Answer(cache);
        afterPurge.ShouldNotBe(afterIngest);
        afterPurge.ShouldBe(Answer(null));
    }

    [Test]
    public void Past_its_capacity_the_cache_starts_over()
    {
        var cache = new PostgresMinuteCache();
        for (int i = 0; i < PostgresMinuteCache.Capacity; i++)
        {
            cache.Set(1, i, 5, [1], [2]);
        }

        cache.Count.ShouldBe(PostgresMinuteCache.Capacity);
        cache.Set(1, 0, 6, [3], [4]);
        cache.Count.ShouldBe(PostgresMinuteCache.Capacity, "an entry replaced in place");
        cache.Set(2, 0, 5, [1], [2]);
        cache.Count.ShouldBe(1);
        cache.TryGet(2, 0, 5, out byte[] buckets, out _).ShouldBeTrue();
        buckets.ShouldBe(new byte[] { 1 });
        cache.TryGet(2, 0, 6, out _, out _).ShouldBeFalse("another row version");
    }
}
