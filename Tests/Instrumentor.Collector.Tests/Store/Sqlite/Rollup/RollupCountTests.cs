using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Instrumentor.Collector.Tests.Infrastructure;
using Instrumentor.Testing;
using Microsoft.Data.Sqlite;

namespace Instrumentor.Collector.Tests.Store.Sqlite.Rollup;

/// <summary>
/// <c>/api/status</c>'s <c>spans_total</c> comes from the rollups' running count instead of counting the span table:
/// it must equal the rows of the table at every point — before and after a fold, after a purge that cut into a
/// minute, with late spans older than everything, after everything is purged — and a file whose rollup state was
/// written by an earlier collector (no running count) gets one that matches.
/// </summary>
public class RollupCountTests
{
    [Test]
    public async Task The_status_total_equals_the_rows_of_the_span_table_through_folds_purges_and_late_spans()
    {
        await using RunningCollector collector = await RunningCollector.StartAsync();
        DateTime end = DateTime.UtcNow.AddMinutes(-5);
        await IngestAsync(collector, Enumerable.Range(0, 3_000).Select(i => end.AddSeconds(-3.6 * (3_000 - i) - 0.25)));
        await SameAsTableAsync(collector, "as ingested, whatever the background fold reached");

        await collector.Server.Rollups.FoldAllAsync(CancellationToken.None);
        collector.Scalar("SELECT spans_total FROM stats_rollup_state").ShouldBe(collector.Scalar("SELECT sum(spans) FROM stats_minute"));
        await SameAsTableAsync(collector, "all folded");

        // 700 of 3,000 spans 3.6 s apart: the purge ends inside a minute, which the count takes from the spans.
        (await collector.Server.Writer.RunAsync(store => store.PurgeOldest(700), CancellationToken.None)).ShouldBe(700);
        await SameAsTableAsync(collector, "purged, not folded since");
        await collector.Server.Rollups.FoldAllAsync(CancellationToken.None);
        await SameAsTableAsync(collector, "purged and folded");

        // Late spans, older than the oldest one left, and new ones.
        await IngestAsync(collector, Enumerable.Range(0, 50).Select(i => end.AddHours(-5).AddSeconds(i))
            .Concat(Enumerable.Range(0, 50).Select(i => DateTime.UtcNow.AddSeconds(-i))));
        await SameAsTableAsync(collector, "late spans, not folded");
        await collector.Server.Rollups.FoldAllAsync(CancellationToken.None);
        await SameAsTableAsync(collector, "late spans folded");
        collector.Scalar("SELECT spans_total FROM stats_rollup_state").ShouldBe(collector.Scalar("SELECT sum(spans) FROM stats_minute"));

        // An archive's purge takes the archived rows (row id order, oldest first among them), not the oldest spans:
        // here the late ones stay while newer spans go.
        long through = collector.Scalar("SELECT max(id) FROM span") - 100;
        (await collector.Server.Writer.RunAsync(store => store.PurgeArchived(null, through, 1_000), CancellationToken.None)).ShouldBe(1_000);
        await SameAsTableAsync(collector, "archived spans purged");
        await collector.Server.Rollups.FoldAllAsync(CancellationToken.None);
        await SameAsTableAsync(collector, "archived spans purged, folded");
        collector.Scalar("SELECT spans_total FROM stats_rollup_state").ShouldBe(collector.Scalar("SELECT sum(spans) FROM stats_minute"));

        await collector.Server.Writer.RunAsync(store => store.PurgeOldest(10_000), CancellationToken.None);
        (await TotalAsync(collector)).ShouldBe(0);
        await collector.Server.Rollups.FoldAllAsync(CancellationToken.None);
        (await TotalAsync(collector)).ShouldBe(0);
        collector.Scalar("SELECT spans_total FROM stats_rollup_state").ShouldBe(0);
    }

    [Test]
    public async Task A_rollup_state_from_an_earlier_collector_gets_a_running_count_from_its_minutes()
    {
        using var directory = new TempDirectory("rollup-count");
        string database = directory.Combine("traces.db");
        await using (RunningCollector first = await RunningCollector.StartAsync(o => o with { Database = database }))
        {
            await IngestAsync(first, Enumerable.Range(0, 1_200).Select(i => DateTime.UtcNow.AddMinutes(-90).AddSeconds(4.5 * i)));
            await first.Server.Rollups.FoldAllAsync(CancellationToken.None);
        }

        // The state table as collectors before the running count made it.
        using (var connection = new SqliteConnection($"Data Source={database};Pooling=False"))
        {
            connection.Open();
            using SqliteCommand command = connection.CreateCommand();
            command.CommandText = "ALTER TABLE stats_rollup_state DROP COLUMN spans_total;";
            command.ExecuteNonQuery();
        }

        await using RunningCollector second = await RunningCollector.StartAsync(o => o with { Database = database, RollupInterval = TimeSpan.Zero });
        second.Scalar("SELECT spans_total FROM stats_rollup_state").ShouldBe(1_200);
        (await TotalAsync(second)).ShouldBe(1_200);
        await IngestAsync(second, Enumerable.Range(0, 30).Select(i => DateTime.UtcNow.AddSeconds(-i)));
        (await TotalAsync(second)).ShouldBe(1_230, "the 30 unfolded spans are counted by row id");
    }

    private static async Task IngestAsync(RunningCollector collector, IEnumerable<DateTime> starts)
    {
        foreach (DateTime[] chunk in starts.Chunk(500))
        {
            using HttpResponseMessage response = await collector.PostJsonAsync("/v1/uploads", Events.Batch(chunk.Select(s => Events.Event(start: s))));
            ((int)response.StatusCode).ShouldBe(200);
        }
    }

    private static async Task SameAsTableAsync(RunningCollector collector, string when) =>
        (await TotalAsync(collector)).ShouldBe(collector.Scalar("SELECT count(*) FROM span"), when);

    private static async Task<long> TotalAsync(RunningCollector collector)
    {
        JsonElement status = await collector.GetJsonAsync("/api/status");
        return status.GetProperty("spans_total").GetInt64();
    }
}
