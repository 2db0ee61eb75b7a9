using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net.Http;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Instrumentor.Collector.Tests.Infrastructure;
using Instrumentor.Testing;
using Microsoft.Data.Sqlite;

namespace Instrumentor.Collector.Tests.Store.Postgres;

/// <summary><c>serve --postgres</c> on a real server: the logical schema, idempotent COPY ingest, day partitions, retention.</summary>
public class PostgresTraceStoreTests
{
    private static async Task<(RunningCollector Collector, PostgresDatabase Database)> StartAsync(Func<Hosting.CollectorOptions, Hosting.CollectorOptions>? configure = null)
    {
        string connection = PostgresServer.NewDatabase("store");
        RunningCollector collector = await RunningCollector.StartAsync(o => (configure?.Invoke(o) ?? o) with { Postgres = connection });
        return (collector, new PostgresDatabase(connection));
    }

    private static async Task<JsonElement> PostAsync(RunningCollector collector, string path, string json)
    {
        using HttpResponseMessage response = await collector.PostJsonAsync(path, json);
        string body = await response.Content.ReadAsStringAsync();
        ((int)response.StatusCode).ShouldBe(200, body);
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    [Test]
    public async Task The_logical_views_have_the_columns_of_the_SQLite_store()
    {
        (RunningCollector collector, PostgresDatabase database) = await StartAsync();
        await using RunningCollector _ = collector;
        using var directory = new TempDirectory("pg-schema");
        using (Collector.Store.Sqlite.SqliteTraceStore.Open(directory.Combine("traces.db")))
        {
        }

        using var sqlite = new SqliteConnection($"Data Source={directory.Combine("traces.db")};Pooling=False");
        sqlite.Open();
        foreach (string view in (string[])["process_trace", "data_trace", "logs", "instances"])
        {
            using SqliteCommand command = sqlite.CreateCommand();
            command.CommandText = $"SELECT name FROM pragma_table_info('{view}') ORDER BY cid;";
            var expected = new List<string>();
            using (SqliteDataReader reader = command.ExecuteReader())
            {
                while (reader.Read())
                {
                    expected.Add(reader.GetString(0));
                }
            }

            expected.ShouldNotBeEmpty();
            database.Column($"SELECT column_name FROM information_schema.columns WHERE table_name = '{view}' ORDER BY ordinal_position;")
                .ShouldBe(expected, view);
        }
    }

    [Test]
    public async Task Spans_show_in_the_views_with_their_values()
    {
        (RunningCollector collector, PostgresDatabase database) = await StartAsync();
        await using RunningCollector _ = collector;
        string trace = Events.NewTraceId();
        string span = Events.NewSpanId();
        await PostAsync(collector, "/v1/uploads", Events.Batch([Events.Event(trace, span, status: "ERR", exception: "System.TimeoutException: slow",
            start: new DateTime(2026, 12, 1, 17, 0, 0, 500, DateTimeKind.Utc), durationMs: 2.5)]));

        database.Text($"SELECT process || '|' || process_group || '|' || status || '|' || duration_ms || '|' || exception || '|' || service || '|' || system_instance_id FROM process_trace WHERE span_id = '{span}' AND trace_id = '{trace}';")
            .ShouldBe("Shop.PricingService.PriceOrder|pricing|ERR|2.5|System.TimeoutException: slow|orders-api|inst-1");
        database.Text($"SELECT to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') FROM process_trace WHERE span_id = '{span}';").ShouldBe("2026-12-01 17:00:00.500000");
        database.Column($"SELECT data || '=' || data_value || ':' || data_type FROM data_trace WHERE span_id = '{span}' ORDER BY data;")
            .ShouldBe(["quantity=3:INPUT", "result=44.00:OUTPUT"]);
    }

    [Test]
    public async Task A_span_or_a_batch_sent_twice_is_stored_once()
    {
        (RunningCollector collector, PostgresDatabase database) = await StartAsync();
        await using RunningCollector _ = collector;
        string[] events = Enumerable.Range(0, 50).Select(_ => Events.Event()).ToArray();

        JsonElement first = await PostAsync(collector, "/v1/uploads", Events.Batch(events));
        JsonElement again = await PostAsync(collector, "/v1/uploads", Events.Batch(events.Take(20).Append(Events.Event())));
        JsonElement batch = await PostAsync(collector, "/v1/uploads", Events.Batch(5, batchId: "b-1"));
        JsonElement batchAgain = await PostAsync(collector, "/v1/uploads", Events.Batch(5, batchId: "b-1"));

        first.GetProperty("accepted").GetInt32().ShouldBe(50);
        again.GetProperty("accepted").GetInt32().ShouldBe(1);
        again.GetProperty("duplicates").GetInt32().ShouldBe(20);
        batch.GetProperty("accepted").GetInt32().ShouldBe(5);
        batchAgain.GetProperty("accepted").GetInt32().ShouldBe(0);
        batchAgain.GetProperty("duplicates").GetInt32().ShouldBe(5);
        database.Scalar("SELECT count(*) FROM process_trace;").ShouldBe(56);
    }

    [Test]
    public async Task Spans_and_logs_go_into_one_partition_per_day()
    {
        (RunningCollector collector, PostgresDatabase database) = await StartAsync();
        await using RunningCollector _ = collector;
        var day = new DateTime(2026, 11, 28, 23, 59, 59, DateTimeKind.Utc);

        await PostAsync(collector, "/v1/uploads", Events.Batch([Events.Event(start: day), Events.Event(start: day.AddSeconds(2)), Events.Event(start: day.AddDays(2))]));
        await PostAsync(collector, "/api/ingest", $$"""[{"event":"a","timestamp":"{{day:O}}"},{"event":"b","timestamp":"{{day.AddDays(1):O}}"}]""");

        List<string> spans = database.Partitions("span");
        spans.ShouldContain("span_20261128");
        spans.ShouldContain("span_20261129");
        spans.ShouldContain("span_20261130");
        database.Scalar("SELECT count(*) FROM span_20261128;").ShouldBe(1);
        database.Scalar("SELECT count(*) FROM span_20261129;").ShouldBe(1);
        database.Scalar("SELECT count(*) FROM span_20261130;").ShouldBe(1);
        database.Partitions("log").ShouldContain("log_20261129");
        database.Scalar("SELECT count(*) FROM logs;").ShouldBe(2);
        string today = DateTime.UtcNow.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
        string tomorrow = DateTime.UtcNow.AddDays(1).ToString("yyyyMMdd", CultureInfo.InvariantCulture);
        spans.ShouldContain("span_" + today, "today is created ahead of its first span");
        spans.ShouldContain("span_" + tomorrow, "so is tomorrow");
    }

    [Test]
    public async Task Retention_drops_whole_old_days_and_deletes_the_rest_up_to_the_cutoff()
    {
        (RunningCollector collector, PostgresDatabase database) = await StartAsync(o => o with { Retention = TimeSpan.FromDays(1), RetentionInterval = TimeSpan.FromDays(1) });
        await using RunningCollector _ = collector;
        DateTime now = DateTime.UtcNow;
        DateTime old = now.AddDays(-3);
        await PostAsync(collector, "/v1/uploads", Events.Batch(Enumerable.Range(0, 300).Select(i => Events.Event(start: old.AddMilliseconds(i)))));
        await PostAsync(collector, "/v1/uploads", Events.Batch([Events.Event(start: now.AddDays(-1).AddMinutes(-5)), Events.Event(start: now.AddMinutes(-1))]));
        await PostAsync(collector, "/api/ingest", $$"""[{"event":"old","timestamp":"{{old:O}}"},{"event":"new"}]""");
        string oldPartition = "span_" + old.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
        database.Partitions("span").ShouldContain(oldPartition);

        long deleted = await collector.Server.Retention.RunOnceAsync(CancellationToken.None);

        deleted.ShouldBe(301);
        database.Partitions("span").ShouldNotContain(oldPartition, "a whole day past the cutoff is dropped, not deleted row by row");
        database.Partitions("log").ShouldNotContain("log_" + old.ToString("yyyyMMdd", CultureInfo.InvariantCulture));
        database.Scalar("SELECT count(*) FROM process_trace;").ShouldBe(1);
        database.Scalar("SELECT count(*) FROM logs;").ShouldBe(1);
    }

    [Test]
    public async Task A_size_limit_drops_the_oldest_days_but_never_the_newest()
    {
        (RunningCollector collector, PostgresDatabase database) = await StartAsync(o => o with { MaxSizeBytes = 1, RetentionInterval = TimeSpan.FromDays(1) });
        await using RunningCollector _ = collector;
        DateTime now = DateTime.UtcNow;
        await PostAsync(collector, "/v1/uploads", Events.Batch(Enumerable.Range(0, 3).Select(d => Events.Event(start: now.AddDays(-d - 1)))));
        await PostAsync(collector, "/v1/uploads", Events.Batch([Events.Event(start: now)]));

        await collector.Server.Retention.RunOnceAsync(CancellationToken.None);

        database.Scalar("SELECT count(*) FROM process_trace;").ShouldBe(1, "only today's span is left");
        JsonElement status = await collector.GetJsonAsync("/api/status");
        status.GetProperty("retention").GetProperty("over_limit").GetBoolean().ShouldBeTrue("1 byte cannot be reached: reported, ingest goes on");
        status.GetProperty("spans_total").GetInt64().ShouldBe(1);
    }

    [Test]
    public async Task A_log_batch_sent_twice_is_stored_once()
    {
        (RunningCollector collector, PostgresDatabase database) = await StartAsync();
        await using RunningCollector _ = collector;
        const string Body = """[{"event":"one","level":"Warning"},{"event":"two"}]""";

        (await PostLogsAsync(collector, Body, "logs-1")).ShouldBe("""{"ingested":2}""");
        (await PostLogsAsync(collector, Body, "logs-1")).ShouldBe("""{"ingested":0,"duplicates":2}""");

        database.Scalar("SELECT count(*) FROM logs;").ShouldBe(2);
        database.Text("SELECT level FROM logs WHERE message = 'one';").ShouldBe("Warning");
    }

    private static async Task<string> PostLogsAsync(RunningCollector collector, string body, string batchId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/ingest") { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
        request.Headers.Add("Instrumentor-Batch-Id", batchId);
        using HttpResponseMessage response = await collector.Client.SendAsync(request);
        string text = await response.Content.ReadAsStringAsync();
        ((int)response.StatusCode).ShouldBe(200, text);
        return text;
    }
}
