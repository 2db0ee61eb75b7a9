using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net.Http;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Instrumentor.Collector.Json;
using Instrumentor.Collector.Store;
using Instrumentor.Collector.Store.Sqlite;
using Instrumentor.Collector.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace Instrumentor.Collector.Tests.Store.Sqlite.Search;

/// <summary>
/// The text filter answered from the search index gives exactly the pages the scan gives — the same rows in the same
/// order, the same "more" — over random values and exceptions (mixed case, non-ASCII letters the index folds and LIKE
/// does not, LIKE's wildcards and escape as text, quotes, JSON punctuation), with the index not built, partly built,
/// caught up, and after purges of every kind, including one that empties the store so SQLite hands out row ids again.
/// </summary>
public class IndexedSearchTests
{
    private static readonly string[] Words =
    [
        "Alpha", "beta", "ÉCOLE", "école", "straße", "STRASSE", "100%", "a_b", "back\\slash", "quo\"te", "日本語", "emoji😀",
        "customer-42", "customer-4242", "Timeout", "TIMEOUT", "[{\"n\":", "ab",
    ];

    private static readonly string[] Terms =
    [
        "lph", "ALP", "éco", "ÉCO", "École", "raß", "RASS", "0%", "100%", "a_b", "_b", "%", "_", "k\\s", "\\", "o\"t", "\"", "本語", "😀", "ji😀",
        "r-42", "customer-4242", "timeout", "tImEoUt", "Exception: T", "\"n\":\"", "\"v\":\"", "ab", "a", "Stock", "tock.Res", "Shop.", "nothing-like-this",
        "Alpha beta", "ÉCOLE école",
    ];

    private static readonly string[] Processes = ["Shop.Stock.Reserve", "Shop.PricingService.PriceOrder", "Shop.Cart.Alpha"];

    [Test]
    public async Task The_index_answers_the_text_filter_as_the_scan_does_through_folds_and_purges()
    {
        await using RunningCollector collector = await RunningCollector.StartAsync(o => o with { RollupInterval = TimeSpan.Zero });
        var queries = (SqliteTraceQueries)collector.Server.Store.Queries;
        var random = new Random(15);
        DateTime end = DateTime.UtcNow.AddMinutes(-5);
        await IngestAsync(collector, random, 2_000, end);
        int fromIndex = Same(queries, random, end, "nothing indexed yet");

        await collector.Server.Writer.RunAsync(store => store.FoldSearch(700), CancellationToken.None);
        fromIndex += Same(queries, random, end, "partly indexed");
        await collector.Server.Rollups.FoldAllAsync(CancellationToken.None);
        collector.Scalar("SELECT last_id FROM span_search_state").ShouldBe(collector.Scalar("SELECT max(id) FROM span"));
        fromIndex += Same(queries, random, end, "all indexed");

        (await collector.Server.Writer.RunAsync(store => store.PurgeOldest(500), CancellationToken.None)).ShouldBe(500);
        NoEntryWithoutSpan(collector);
        fromIndex += Same(queries, random, end, "oldest purged");
        await IngestAsync(collector, random, 600, end);
        fromIndex += Same(queries, random, end, "new spans after a purge, not indexed");
        await collector.Server.Rollups.FoldAllAsync(CancellationToken.None);
        long cutoff = StoreText.ToUnixMicroseconds(new DateTimeOffset(end.AddMinutes(-30)));
        await collector.Server.Writer.RunAsync(store => store.PurgeOlderThan(cutoff, 300), CancellationToken.None);
        long through = collector.Scalar("SELECT max(id) FROM span") - 200;
        await collector.Server.Writer.RunAsync(store => store.PurgeArchived(null, through, 400), CancellationToken.None);
        NoEntryWithoutSpan(collector);
        fromIndex += Same(queries, random, end, "purged by age and as archived");

        // Everything purged, the newest rows too: the next spans get row ids the index had given out.
        long future = StoreText.ToUnixMicroseconds(new DateTimeOffset(DateTime.UtcNow.AddDays(1)));
        while (await collector.Server.Writer.RunAsync(store => store.PurgeOlderThan(future, 1_000), CancellationToken.None) > 0)
        {
        }

        collector.Scalar("SELECT last_id FROM span_search_state").ShouldBe(0, "nothing left to have indexed");
        await IngestAsync(collector, random, 800, end);
        fromIndex += Same(queries, random, end, "row ids handed out again, not indexed");
        await collector.Server.Writer.RunAsync(store => store.FoldSearch(300), CancellationToken.None);
        fromIndex += Same(queries, random, end, "row ids handed out again, partly indexed");
        fromIndex.ShouldBeGreaterThan(100, "the index answered most filters");
    }

    [Test]
    public async Task An_index_whose_last_row_another_writer_deleted_is_built_again_and_not_trusted_until_then()
    {
        await using RunningCollector collector = await RunningCollector.StartAsync(o => o with { RollupInterval = TimeSpan.Zero });
        var queries = (SqliteTraceQueries)collector.Server.Store.Queries;
        var random = new Random(16);
        DateTime end = DateTime.UtcNow.AddMinutes(-5);
        await IngestAsync(collector, random, 1_000, end);
        await collector.Server.Rollups.FoldAllAsync(CancellationToken.None);

        // An application's own retention, on its own connection: every span deleted, then new ones with the same ids.
        using (var connection = new SqliteConnection($"Data Source={collector.DatabasePath};Pooling=False"))
        {
            connection.Open();
            using SqliteCommand command = connection.CreateCommand();
            command.CommandText = "DELETE FROM span;";
            command.ExecuteNonQuery();
        }

        await IngestAsync(collector, random, 1_000, end);
        collector.Scalar("SELECT count(*) FROM span WHERE id <= (SELECT last_id FROM span_search_state)").ShouldBe(1_000, "the ids were given out again");
        var filter = new SpanFilter { Search = "lph", Limit = 20 };
        queries.Spans(filter, useSearchIndex: true, out bool fromIndex);
        fromIndex.ShouldBeFalse("the row at the cursor is not the one indexed");
        Same(queries, random, end, "replaced rows");

        await collector.Server.Rollups.FoldAllAsync(CancellationToken.None);
        queries.Spans(filter, useSearchIndex: true, out fromIndex);
        fromIndex.ShouldBeTrue("built again");
        NoEntryWithoutSpan(collector);
        Same(queries, random, end, "built again");
    }

    [Test]
    public async Task A_store_of_an_earlier_collector_gets_the_index_in_the_background_and_correct_answers_meanwhile()
    {
        using var directory = new Instrumentor.Testing.TempDirectory("search-upgrade");
        string database = directory.Combine("traces.db");
        var random = new Random(17);
        DateTime end = DateTime.UtcNow.AddMinutes(-5);
        await using (RunningCollector first = await RunningCollector.StartAsync(o => o with { Database = database, RollupInterval = TimeSpan.Zero }))
        {
            await IngestAsync(first, random, 1_500, end);
        }

        using (var connection = new SqliteConnection($"Data Source={database};Pooling=False"))
        {
            connection.Open();
            using SqliteCommand command = connection.CreateCommand();
            command.CommandText = "DROP TABLE span_search; DROP TABLE span_search_state;";
            command.ExecuteNonQuery();
        }

        await using RunningCollector second = await RunningCollector.StartAsync(o => o with { Database = database, RollupInterval = TimeSpan.Zero });
        var queries = (SqliteTraceQueries)second.Server.Store.Queries;
        second.Scalar("SELECT last_id FROM span_search_state").ShouldBe(0);
        Same(queries, random, end, "index not built");
        await second.Server.Rollups.FoldAllAsync(CancellationToken.None);
        second.Scalar("SELECT last_id FROM span_search_state").ShouldBe(second.Scalar("SELECT max(id) FROM span"));
        Same(queries, random, end, "index built").ShouldBeGreaterThan(0);
    }

    // Every term, alone and with other filters, page after page: the index's pages equal the scan's. Returns how many
    // pages the index answered.
    private static int Same(SqliteTraceQueries queries, Random random, DateTime end, string when)
    {
        int fromIndex = 0;
        foreach (string term in Terms)
        {
            foreach (SpanFilter filter in Filters(term, random, end))
            {
                SpanFilter page = filter;
                for (int i = 0; i < 200; i++)
                {
                    (IReadOnlyList<SpanItem> expected, bool expectedMore) = queries.Spans(page, useSearchIndex: false, out _);
                    (IReadOnlyList<SpanItem> actual, bool actualMore) = queries.Spans(page, useSearchIndex: true, out bool indexed);
                    string what = $"{when}: q={term}, process={page.Process}, status={page.Status}, page {i}";
                    actual.Select(s => s.RowId).ToList().ShouldBe(expected.Select(s => s.RowId).ToList(), what);
                    actualMore.ShouldBe(expectedMore, what);
                    fromIndex += indexed ? 1 : 0;
                    if (!expectedMore)
                    {
                        break;
                    }

                    page = page with { Before = new SpanCursor(expected[^1].Ts, expected[^1].RowId) };
                }
            }
        }

        return fromIndex;
    }

    private static IEnumerable<SpanFilter> Filters(string term, Random random, DateTime end)
    {
        yield return new SpanFilter { Search = term, Limit = 25 };
        yield return new SpanFilter { Search = term, Limit = 10, Status = "ERR" };
        yield return new SpanFilter { Search = term, Limit = 10, Process = Processes[random.Next(Processes.Length)] };
        DateTime from = end.AddMinutes(-random.Next(10, 50));
        yield return new SpanFilter
        {
            Search = term, Limit = 10, Status = "OK",
            FromMicroseconds = StoreText.ToUnixMicroseconds(new DateTimeOffset(from)),
            ToMicroseconds = StoreText.ToUnixMicroseconds(new DateTimeOffset(from.AddMinutes(15))),
        };
    }

    private static void NoEntryWithoutSpan(RunningCollector collector) =>
        collector.Scalar("SELECT count(*) FROM span_search WHERE rowid NOT IN (SELECT id FROM span)").ShouldBe(0, "the index lost the purged rows");

    // Random values and exceptions from the words; start times over the hour before end, some on the same microsecond.
    private static async Task IngestAsync(RunningCollector collector, Random random, int count, DateTime end)
    {
        for (int done = 0; done < count; done += 200)
        {
            var events = new List<string>();
            for (int i = 0; i < Math.Min(200, count - done); i++)
            {
                DateTime start = end.AddMilliseconds(-random.Next(3_600) * 1_000.0 - random.Next(3) * 0.5);
                bool error = random.Next(5) == 0;
                string? exception = error || random.Next(20) == 0 ? $"System.{Word(random)}Exception: {Word(random)} {Word(random)}" : null;
                var values = Enumerable.Range(0, random.Next(4))
                    .Select(v => $$"""{"name":{{Json(Word(random))}},"type":"{{(v == 2 ? "OUTPUT" : "INPUT")}}","value":{{(random.Next(8) == 0 ? "null" : Json(Word(random) + " " + Word(random) + random.Next(100)))}}}""");
                events.Add($$"""
                    {"trace_id":"{{Events.NewTraceId()}}","span_id":"{{Events.NewSpanId()}}","process":"{{Processes[random.Next(Processes.Length)]}}",
                     "start":"{{start.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture)}}","duration_ms":1.5,
                     "status":"{{(error ? "ERR" : "OK")}}","exception":{{(exception is null ? "null" : Json(exception))}},"data":[{{string.Join(",", values)}}]}
                    """);
            }

            using HttpResponseMessage response = await collector.PostJsonAsync("/v1/uploads", Events.Batch(events));
            ((int)response.StatusCode).ShouldBe(200, await response.Content.ReadAsStringAsync());
        }
    }

    private static string Word(Random random) => Words[random.Next(Words.Length)];

    private static string Json(string text) => JsonSerializer.Serialize(text, TestJson.Default.String);
}
