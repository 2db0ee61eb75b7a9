using System;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Instrumentor.Collector.Tests.Infrastructure;

namespace Instrumentor.Collector.Tests.Retention;

public class RetentionServiceTests
{
    [Test]
    public async Task Spans_older_than_the_retention_are_deleted_and_newer_ones_kept()
    {
        await using RunningCollector collector = await RunningCollector.StartAsync(o => o with { Retention = TimeSpan.FromHours(1), RetentionInterval = TimeSpan.FromDays(1) });
        DateTime now = DateTime.UtcNow;
        string[] old = Enumerable.Range(0, 2_500).Select(i => Events.Event(start: now.AddHours(-3).AddMilliseconds(i))).ToArray();
        using HttpResponseMessage a = await collector.PostJsonAsync("/v1/uploads", Events.Batch(old));
        using HttpResponseMessage b = await collector.PostJsonAsync("/v1/uploads", Events.Batch([Events.Event(start: now.AddMinutes(-5))]));
        using HttpResponseMessage logs = await collector.PostJsonAsync("/api/ingest", $$"""[{"event":"old","timestamp":"{{now.AddHours(-3):O}}"},{"event":"new"}]""");

        long deleted = await collector.Server.Retention.RunOnceAsync(CancellationToken.None);

        deleted.ShouldBe(2_500);
        collector.CountSpans().ShouldBe(1);
        collector.CountLogs().ShouldBe(1);
    }

    [Test]
    public async Task A_tiny_max_size_keeps_the_store_small_and_never_stops_ingest()
    {
        const long maxSize = 256 * 1024;
        await using RunningCollector collector = await RunningCollector.StartAsync(o => o with { MaxSizeBytes = maxSize, RetentionInterval = TimeSpan.FromDays(1) });

        for (int round = 0; round < 4; round++)
        {
            for (int i = 0; i < 2; i++)
            {
                using HttpResponseMessage response = await collector.PostJsonAsync("/v1/uploads", Events.Batch(500));
                ((int)response.StatusCode).ShouldBe(200, "ingest goes on whatever the size");
            }

            await collector.Server.Retention.RunOnceAsync(CancellationToken.None);
            // What is left fits the limit (free pages given back, the WAL folded into the file and truncated).
            collector.Server.Store.SizeBytes().ShouldBeLessThanOrEqualTo(maxSize + 64 * 1024);
        }

        // The newest spans survive, the oldest went first.
        long kept = collector.CountSpans();
        kept.ShouldBeGreaterThan(0);
        kept.ShouldBeLessThan(4_000);
        JsonAssertNewest(collector);
    }

    [Test]
    public async Task Status_shows_the_limits_and_what_the_purge_deleted()
    {
        const long maxSize = 2L * 1024 * 1024 * 1024;
        await using RunningCollector collector = await RunningCollector.StartAsync(o => o with
        {
            Retention = TimeSpan.FromHours(2), MaxSizeBytes = maxSize, RetentionInterval = TimeSpan.FromDays(1),
        });
        DateTime now = DateTime.UtcNow;
        using HttpResponseMessage old = await collector.PostJsonAsync("/v1/uploads", Events.Batch(Enumerable.Range(0, 1_200).Select(i => Events.Event(start: now.AddHours(-3).AddMilliseconds(i)))));
        using HttpResponseMessage fresh = await collector.PostJsonAsync("/v1/uploads", Events.Batch([Events.Event(start: now.AddMinutes(-1))]));
        // The loop's first pass runs at start; wait for it, then the pass of this test deletes what arrived since.
        while ((await collector.GetJsonAsync("/api/status")).GetProperty("retention").GetProperty("last_run").ValueKind == System.Text.Json.JsonValueKind.Null)
        {
            await Task.Delay(20);
        }

        await collector.Server.Retention.RunOnceAsync(CancellationToken.None);

        System.Text.Json.JsonElement status = await collector.GetJsonAsync("/api/status");
        System.Text.Json.JsonElement retention = status.GetProperty("retention");
        retention.GetProperty("max_age_seconds").GetDouble().ShouldBe(7200);
        retention.GetProperty("max_bytes").GetInt64().ShouldBe(maxSize);
        retention.GetProperty("purged_total").GetInt64().ShouldBe(1_200);
        retention.GetProperty("over_limit").GetBoolean().ShouldBeFalse();
        retention.GetProperty("last_error").ValueKind.ShouldBe(System.Text.Json.JsonValueKind.Null);
        retention.GetProperty("archive").ValueKind.ShouldBe(System.Text.Json.JsonValueKind.Null);
        status.GetProperty("spans_total").GetInt64().ShouldBe(1);
        status.GetProperty("oldest").GetString()!.ShouldStartWith(now.AddMinutes(-1).ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture));
    }

    private static void JsonAssertNewest(RunningCollector collector) =>
        collector.Scalar("SELECT count(*) FROM span WHERE id = (SELECT max(id) FROM span)").ShouldBe(1);
}
