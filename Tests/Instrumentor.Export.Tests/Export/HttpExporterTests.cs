using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading.Tasks;
using Instrumentor.Export.Tests.Infrastructure;
using Instrumentor.Testing;

namespace Instrumentor.Export.Tests.Export;

public sealed class HttpExporterTests
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(60);
    private TempDirectory _directory = null!;

    [SetUp]
    public void SetUp() => _directory = new TempDirectory("export");

    [TearDown]
    public void TearDown() => _directory.Dispose();

    private AppStore NewStore() => new(_directory.Combine("app.db"));

    private static async Task<bool> Flush(HttpExporter exporter) => await exporter.FlushAsync().WaitAsync(s_wait);

    /// <summary>Whether a flush completes within <paramref name="time"/> (a flush waits while the endpoint fails).</summary>
    private static async Task<bool> FlushWithin(HttpExporter exporter, TimeSpan time)
    {
        Task<bool> flush = exporter.FlushAsync();
        return await Task.WhenAny(flush, Task.Delay(time)) == flush && await flush;
    }

    [Test]
    public async Task Instant_sends_a_single_span_to_the_stream_endpoint_and_the_collector_stores_it_as_it_was()
    {
        AppStore store = NewStore();
        await using RunningCollector collector = await RunningCollector.StartAsync(_directory.Combine("collector.db"));
        string spanId = store.Add(1)[0];
        using HttpExporter exporter = Exporters.Start(store, collector.BaseAddress, o => o.Mode = ExportMode.Instant);

        (await Flush(exporter)).ShouldBeTrue();

        collector.Count().ShouldBe(1);
        collector.Count($"SELECT count(*) FROM process_trace WHERE span_id = '{spanId}' AND process = 'Shop.Pricing.PriceOrder' " +
            "AND process_group = 'pricing' AND status = 'OK' AND duration_ms = 0.42 AND thread_id = 12 AND service = 'orders-api' " +
            "AND system_instance_id = 'instance-1' AND ts = '2026-05-28 20:26:40.000001';").ShouldBe(1);
        collector.Count($"SELECT count(*) FROM data_trace WHERE span_id = '{spanId}' AND ((data = 'quantity' AND data_type = 'INPUT' AND data_value = '1') " +
            "OR (data = 'result' AND data_type = 'OUTPUT' AND data_value = '44.00'));").ShouldBe(2);
        store.Cursor("test").ShouldBe(1);
        exporter.Counters.Sent.ShouldBe(1);
        exporter.Stop(TimeSpan.FromSeconds(3)).ShouldBeTrue();
    }

    [Test]
    public async Task Deferred_sends_batches_and_every_span_arrives_exactly_once()
    {
        AppStore store = NewStore();
        await using RunningCollector collector = await RunningCollector.StartAsync(_directory.Combine("collector.db"));
        store.Add(2_000);
        using HttpExporter exporter = Exporters.Start(store, collector.BaseAddress, o => o.BatchSize = 300);

        (await Flush(exporter)).ShouldBeTrue();

        collector.Count().ShouldBe(2_000);
        collector.Count("SELECT count(DISTINCT span_id) FROM process_trace;").ShouldBe(2_000);
        collector.Count("SELECT count(*) FROM process_trace WHERE status = 'ERR' AND exception LIKE '%out of stock%';").ShouldBe(2_000 / 7);
        exporter.Counters.Sent.ShouldBe(2_000);
        exporter.Counters.Backlog.ShouldBe(0);
    }

    [Test]
    public async Task Collector_down_then_started_receives_the_backlog_once()
    {
        AppStore store = NewStore();
        int port = FreePort.Next();
        store.Add(500);
        using HttpExporter exporter = Exporters.Start(store, new Uri($"http://127.0.0.1:{port}"), o => o.BatchSize = 100);

        // Nothing listens: the flush cannot complete, and the spans stay in the outbox.
        (await FlushWithin(exporter, TimeSpan.FromSeconds(1))).ShouldBeFalse();
        exporter.Counters.Failed.ShouldBeGreaterThan(0);
        exporter.Counters.Backlog.ShouldBe(500);
        store.Cursor("test").ShouldBe(0);

        await using RunningCollector collector = await RunningCollector.StartAsync(_directory.Combine("collector.db"), port);
        store.Add(250);
        (await Flush(exporter)).ShouldBeTrue();

        collector.Count().ShouldBe(750);
        collector.Count("SELECT count(DISTINCT span_id) FROM process_trace;").ShouldBe(750);
        exporter.Counters.Backlog.ShouldBe(0);
    }

    [Test]
    public async Task A_restarted_application_resumes_from_its_cursor_and_sends_nothing_twice()
    {
        AppStore store = NewStore();
        using var server = new FakeServer((_, _) => FakeAnswer.Ok);
        store.Add(120);
        using (HttpExporter first = Exporters.Start(store, server.BaseAddress, o => o.BatchSize = 50))
        {
            (await Flush(first)).ShouldBeTrue();
            first.Stop(TimeSpan.FromSeconds(3)).ShouldBeTrue();
        }

        store.Cursor("test").ShouldBe(120);
        store.Add(80);
        using (HttpExporter second = Exporters.Start(store, server.BaseAddress, o => o.BatchSize = 50))
        {
            (await Flush(second)).ShouldBeTrue();
            second.Stop(TimeSpan.FromSeconds(3)).ShouldBeTrue();
        }

        string[] received = server.Requests.SelectMany(r => r.SpanIds()).ToArray();
        received.Length.ShouldBe(200);
        received.Distinct().Count().ShouldBe(200);
        store.Cursor("test").ShouldBe(200);
    }

    [Test]
    public async Task A_500_is_retried_with_the_same_batch_id_until_it_succeeds()
    {
        AppStore store = NewStore();
        using var server = new FakeServer((_, n) => n < 2 ? new FakeAnswer(500) : FakeAnswer.Ok);
        store.Add(10);
        using HttpExporter exporter = Exporters.Start(store, server.BaseAddress);

        (await Flush(exporter)).ShouldBeTrue();

        FakeRequest[] requests = server.Requests.ToArray();
        requests.Length.ShouldBe(3);
        requests.Select(r => r.BatchId).Distinct().Count().ShouldBe(1);
        requests[0].BatchId.ShouldNotBeNullOrEmpty();
        requests.ShouldAllBe(r => r.Path == "/v1/uploads");
        exporter.Counters.Retried.ShouldBe(2);
        exporter.Counters.Sent.ShouldBe(10);
    }

    [Test]
    public async Task A_batch_that_failed_all_its_retries_keeps_its_batch_id_in_the_next_round()
    {
        AppStore store = NewStore();
        // Four 503s exhaust the first round (1 try + 3 retries); the next round's request must carry the same id.
        using var server = new FakeServer((_, n) => n < 4 ? new FakeAnswer(503) : FakeAnswer.Ok);
        store.Add(10);
        using HttpExporter exporter = Exporters.Start(store, server.BaseAddress);

        (await Flush(exporter)).ShouldBeTrue();

        FakeRequest[] requests = server.Requests.ToArray();
        requests.Length.ShouldBe(5);
        requests.Select(r => r.BatchId).Distinct().Count().ShouldBe(1);
        exporter.Counters.Failed.ShouldBe(1);
    }

    [Test]
    public async Task A_429_with_Retry_After_is_retried_and_a_404_is_not()
    {
        AppStore store = NewStore();
        using var server = new FakeServer((r, n) => n == 0 ? new FakeAnswer(429, RetryAfterSeconds: 1) : FakeAnswer.Ok);
        store.Add(3);
        using HttpExporter exporter = Exporters.Start(store, server.BaseAddress);
        (await Flush(exporter)).ShouldBeTrue();
        server.Requests.Count.ShouldBe(2);
        exporter.Counters.Retried.ShouldBe(1);

        using var missing = new FakeServer((_, _) => new FakeAnswer(404));
        AppStore other = new(_directory.Combine("other.db"));
        other.Add(3);
        using HttpExporter lost = Exporters.Start(other, missing.BaseAddress);
        (await FlushWithin(lost, TimeSpan.FromMilliseconds(300))).ShouldBeFalse();
        missing.Requests.First().Path.ShouldBe("/v1/uploads");
        lost.Counters.Retried.ShouldBe(0);
        other.Cursor("test").ShouldBe(0);
    }

    [Test]
    public async Task A_refused_batch_is_bisected_and_only_the_bad_span_is_set_aside()
    {
        AppStore store = NewStore();
        string bad = store.Add(16)[11];
        using var server = new FakeServer((r, _) => r.Body.Contains(bad, StringComparison.Ordinal) ? new FakeAnswer(400) : FakeAnswer.Ok);
        using HttpExporter exporter = Exporters.Start(store, server.BaseAddress);

        (await Flush(exporter)).ShouldBeTrue();

        string[] accepted = server.Requests.Where(r => !r.Body.Contains(bad, StringComparison.Ordinal)).SelectMany(r => r.SpanIds()).ToArray();
        accepted.Length.ShouldBe(15);
        accepted.ShouldNotContain(bad);
        exporter.Counters.Rejected.ShouldBe(1);
        exporter.Counters.Sent.ShouldBe(15);
        store.Cursor("test").ShouldBe(16);
        string[] lines = File.ReadAllLines(store.Path + ".export-rejected");
        lines.Length.ShouldBe(1);
        lines[0].ShouldContain($"\"span_id\":\"{bad}\"");
    }

    [Test]
    public async Task An_endpoint_that_never_answers_does_not_hold_the_stop_beyond_its_budget()
    {
        AppStore store = NewStore();
        // Accepts connections and never answers (reads nothing, writes nothing).
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        int port = ((IPEndPoint)silent.LocalEndpoint).Port;
        HttpExporter exporter = Exporters.Start(store, new Uri($"http://127.0.0.1:{port}"), o =>
        {
            o.Mode = ExportMode.Instant;
            o.Timeout = TimeSpan.FromSeconds(30);
        });
        // The writer's order: the exporter counted the store at start, then 5 spans are committed and notified.
        store.Add(5);
        exporter.Notify(5);
        // The request is in flight once its connection waits at the listener (which never accepts it).
        for (int i = 0; i < 300 && !silent.Pending(); i++)
        {
            await Task.Delay(20);
        }

        silent.Pending().ShouldBeTrue();
        exporter.Counters.Backlog.ShouldBe(5);

        var clock = Stopwatch.StartNew();
        exporter.Stop(TimeSpan.FromMilliseconds(500)).ShouldBeFalse();
        clock.Stop();
        exporter.Dispose();

        // Not a performance assert: without the budget this waits for the 30 s timeout.
        clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(10));
        store.Cursor("test").ShouldBe(0);
        exporter.Counters.Backlog.ShouldBe(5);
    }

    [Test]
    public async Task The_api_key_is_sent_as_a_bearer_token_and_the_collector_accepts_it()
    {
        AppStore store = NewStore();
        await using RunningCollector collector = await RunningCollector.StartAsync(_directory.Combine("collector.db"), apiKey: "s3cret");
        store.Add(4);
        using HttpExporter exporter = Exporters.Start(store, collector.BaseAddress, o => o.ApiKey = "s3cret");

        (await Flush(exporter)).ShouldBeTrue();

        collector.Count().ShouldBe(4);
    }
}
