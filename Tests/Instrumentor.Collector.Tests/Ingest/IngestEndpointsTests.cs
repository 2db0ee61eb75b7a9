using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text;
using System.Text.Json;
using System.Threading.Tasks;
using Instrumentor.Collector.Tests.Infrastructure;

namespace Instrumentor.Collector.Tests.Ingest;

public class IngestEndpointsTests
{
    [Test]
    public async Task A_streamed_event_is_committed_before_the_answer()
    {
        await using RunningCollector collector = await RunningCollector.StartAsync();

        using HttpResponseMessage response = await collector.PostJsonAsync("/v1/uploads/stream", Events.Stream(Events.Event()));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).ShouldBe("""{"accepted":1,"duplicates":0}""");
        // 2xx means committed: another connection sees the row at once, through the logical view.
        collector.CountSpans().ShouldBe(1);
        collector.Scalar("SELECT count(*) FROM process_trace WHERE service = 'orders-api' AND process = 'Shop.PricingService.PriceOrder' AND status = 'OK'").ShouldBe(1);
        collector.Scalar("SELECT count(*) FROM data_trace WHERE data = 'quantity' AND data_type = 'INPUT' AND data_value = '3'").ShouldBe(1);
    }

    [Test]
    public async Task A_batch_is_stored_whole_and_the_same_spans_again_are_duplicates()
    {
        await using RunningCollector collector = await RunningCollector.StartAsync();
        string[] events = Enumerable.Range(0, 250).Select(_ => Events.Event()).ToArray();

        using HttpResponseMessage first = await collector.PostJsonAsync("/v1/uploads", Events.Batch(events));
        using HttpResponseMessage again = await collector.PostJsonAsync("/v1/uploads", Events.Batch(events.Take(10).Append(Events.Event())));

        (await first.Content.ReadAsStringAsync()).ShouldBe("""{"accepted":250,"duplicates":0}""");
        (await again.Content.ReadAsStringAsync()).ShouldBe("""{"accepted":1,"duplicates":10}""");
        collector.CountSpans().ShouldBe(251);
    }

    [Test]
    public async Task The_same_batch_id_again_stores_nothing()
    {
        await using RunningCollector collector = await RunningCollector.StartAsync();

        using HttpResponseMessage first = await collector.PostJsonAsync("/v1/uploads", Events.Batch(5, batchId: "batch-42"));
        // A retry of the same batch id, even with other spans, is the same batch: nothing more is stored.
        using HttpResponseMessage retry = await collector.PostJsonAsync("/v1/uploads", Events.Batch(5, batchId: "batch-42"));

        (await first.Content.ReadAsStringAsync()).ShouldBe("""{"accepted":5,"duplicates":0}""");
        (await retry.Content.ReadAsStringAsync()).ShouldBe("""{"accepted":0,"duplicates":5}""");
        collector.CountSpans().ShouldBe(5);
    }

    [Test]
    public async Task A_span_repeated_inside_one_batch_is_stored_once()
    {
        await using RunningCollector collector = await RunningCollector.StartAsync();
        string span = Events.Event();

        using HttpResponseMessage response = await collector.PostJsonAsync("/v1/uploads", Events.Batch([span, span]));

        (await response.Content.ReadAsStringAsync()).ShouldBe("""{"accepted":1,"duplicates":1}""");
        collector.CountSpans().ShouldBe(1);
    }

    [Test]
    public async Task Concurrent_uploads_never_see_a_locked_database_and_lose_nothing()
    {
        await using RunningCollector collector = await RunningCollector.StartAsync();

        HttpStatusCode[] statuses = await Task.WhenAll(Enumerable.Range(0, 64).Select(async _ =>
        {
            using HttpResponseMessage response = await collector.PostJsonAsync("/v1/uploads", Events.Batch(50));
            return response.StatusCode;
        }));

        statuses.ShouldAllBe(s => s == HttpStatusCode.OK);
        collector.CountSpans().ShouldBe(64 * 50);
    }

    [Test]
    public async Task A_gzip_body_is_accepted()
    {
        await using RunningCollector collector = await RunningCollector.StartAsync();
        var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(Encoding.UTF8.GetBytes(Events.Batch(20)));
        }

        var content = new ByteArrayContent(compressed.ToArray());
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        content.Headers.ContentEncoding.Add("gzip");
        using HttpResponseMessage response = await collector.Client.PostAsync("/v1/uploads", content);

        (await response.Content.ReadAsStringAsync()).ShouldBe("""{"accepted":20,"duplicates":0}""");
    }

    [Test]
    public async Task Unknown_fields_are_ignored()
    {
        await using RunningCollector collector = await RunningCollector.StartAsync();

        using HttpResponseMessage response = await collector.PostJsonAsync("/v1/uploads/stream",
            $$"""{"event":{{Events.Event(extra: ",\"future_field\":{\"x\":[1,2]}")}},"system_info":{{Events.SystemInfo()}},"version":7}""");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        collector.CountSpans().ShouldBe(1);
    }

    [Test]
    public async Task Log_lines_are_stored_in_the_logs_view_with_their_ids_and_attributes()
    {
        await using RunningCollector collector = await RunningCollector.StartAsync();
        string traceId = Events.NewTraceId();
        string spanId = Events.NewSpanId();

        using HttpResponseMessage response = await collector.PostJsonAsync("/api/ingest", $$"""
            [{"timestamp":"2026-12-01T17:52:25.5Z","level":"Warning","event":"stock low","logger":"Shop.Stock",
              "trace_id":"{{traceId}}","span_id":"{{spanId}}","parent_id":null,"exception":{"type":"X","message":"m"},"sku":"A-1","count":2},
             {"event":"plain line"}]
            """);

        (await response.Content.ReadAsStringAsync()).ShouldBe("""{"ingested":2}""");
        collector.CountLogs().ShouldBe(2);
        collector.Scalar($"""
            SELECT count(*) FROM logs WHERE ts = '2026-12-01 17:52:25.500000' AND level = 'Warning' AND logger = 'Shop.Stock'
            AND message = 'stock low' AND trace_id = '{traceId}' AND span_id = '{spanId}' AND parent_span_id IS NULL
            AND json_extract(exception, '$.type') = 'X' AND json_extract(attributes, '$.sku') = 'A-1' AND json_extract(attributes, '$.count') = 2
            """).ShouldBe(1);
    }

    [Test]
    public async Task An_unsampled_error_without_duration_is_stored_with_a_null_duration()
    {
        await using RunningCollector collector = await RunningCollector.StartAsync();

        using HttpResponseMessage response = await collector.PostJsonAsync("/v1/uploads/stream",
            Events.Stream(Events.Event(status: "ERR", durationMs: null, exception: "System.InvalidOperationException: boom")));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        collector.Scalar("SELECT count(*) FROM process_trace WHERE status = 'ERR' AND duration_ms IS NULL AND exception LIKE '%boom'").ShouldBe(1);
    }
}
