using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Text.Json;
using System.Threading.Tasks;
using Instrumentor.Collector.Tests.Infrastructure;

namespace Instrumentor.Collector.Tests.Query;

/// <summary>The query API's shapes and semantics on a known store: 3 traces of a parent → child call, errors, logs.</summary>
public class QueryEndpointsTests
{
    private static readonly DateTime s_start = new(2026, 12, 1, 17, 0, 0, DateTimeKind.Utc);
    private RunningCollector _collector = null!;
    private readonly List<(string Trace, string Parent, string Child)> _traces = [];

    /// <summary>The collector under test: SQLite here; the PostgreSQL store runs the same tests (Store/Postgres).</summary>
    private protected virtual Task<RunningCollector> StartCollectorAsync() => RunningCollector.StartAsync();

    [OneTimeSetUp]
    public async Task Start()
    {
        _collector = await StartCollectorAsync();
        var events = new List<string>();
        for (int i = 0; i < 30; i++)
        {
            string trace = Events.NewTraceId();
            string parent = Events.NewSpanId();
            string child = Events.NewSpanId();
            _traces.Add((trace, parent, child));
            DateTime at = s_start.AddSeconds(i);
            events.Add(Events.Event(trace, parent, process: "Shop.Api.Checkout", start: at, durationMs: 10 + i));
            events.Add(Events.Event(trace, child, parent, process: "Shop.Db.Save", start: at.AddMilliseconds(1), durationMs: 1 + i % 3,
                status: i % 10 == 0 ? "ERR" : "OK", exception: i % 10 == 0 ? "System.TimeoutException: db timeout" : null));
        }

        using HttpResponseMessage spans = await _collector.PostJsonAsync("/v1/uploads", Events.Batch(events));
        spans.EnsureSuccessStatusCode();
        using HttpResponseMessage other = await _collector.PostJsonAsync("/v1/uploads",
            Events.Batch([Events.Event(process: "Billing.Invoice.Create", start: s_start.AddMinutes(5))], system: "billing"));
        other.EnsureSuccessStatusCode();
        using HttpResponseMessage logs = await _collector.PostJsonAsync("/api/ingest",
            $$"""[{"timestamp":"2026-12-01T17:00:00.5Z","level":"Error","event":"save failed","logger":"Shop.Db","trace_id":"{{_traces[0].Trace}}","span_id":"{{_traces[0].Child}}"}]""");
        logs.EnsureSuccessStatusCode();
    }

    [OneTimeTearDown]
    public async Task Stop() => await _collector.DisposeAsync();

    [Test]
    public async Task Spans_are_newest_first_with_the_span_shape()
    {
        JsonElement page = await _collector.GetJsonAsync("/api/spans?limit=5");

        Shape.HasFields(page, "items", "next_cursor");
        JsonElement[] items = page.GetProperty("items").EnumerateArray().ToArray();
        items.Length.ShouldBe(5);
        Shape.HasFields(items[0], Shape.Span);
        items[0].GetProperty("process").GetString().ShouldBe("Billing.Invoice.Create");
        items[0].GetProperty("service").GetString().ShouldBe("billing");
        items[0].GetProperty("ts").GetString().ShouldBe("2026-12-01 17:05:00.000000");
        items[0].GetProperty("start").GetString().ShouldBe("2026-12-01T17:05:00.000000Z");
        items.Select(i => i.GetProperty("ts").GetString()).ShouldBeInOrder(SortDirection.Descending, StringComparer.Ordinal);
        Shape.HasFields(items[1].GetProperty("data")[0], "name", "type", "value");
    }

    [Test]
    public async Task Keyset_pages_cover_every_span_once_and_end_with_a_null_cursor()
    {
        var seen = new List<string>();
        string? cursor = null;
        int pages = 0;
        do
        {
            JsonElement page = await _collector.GetJsonAsync("/api/spans?limit=7" + (cursor is null ? "" : "&cursor=" + cursor));
            seen.AddRange(page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("span_id").GetString()!));
            cursor = page.GetProperty("next_cursor").GetString();
            pages++;
        }
        while (cursor is not null);

        seen.Count.ShouldBe(61);
        seen.Distinct().Count().ShouldBe(61);
        pages.ShouldBe(9);
    }

    [Test]
    public async Task Filters_by_process_status_service_time_and_text()
    {
        (await Count("/api/spans?process=Shop.Db.Save&limit=1000")).ShouldBe(30);
        (await Count("/api/spans?process=Shop.Db.Save&status=ERR")).ShouldBe(3);
        (await Count("/api/spans?status=ERR")).ShouldBe(3);
        (await Count("/api/spans?service=billing")).ShouldBe(1);
        (await Count("/api/spans?from=2026-12-01T17:00:10Z&to=2026-12-01T17:00:20Z&limit=1000")).ShouldBe(20);
        (await Count("/api/spans?q=timeout")).ShouldBe(3);
        (await Count("/api/spans?q=invoice")).ShouldBe(1);
        (await Count("/api/spans?process=No.Such.Method")).ShouldBe(0);
    }

    [Test]
    public async Task A_span_comes_with_its_logs_and_source()
    {
        JsonElement span = await _collector.GetJsonAsync($"/api/spans/{_traces[0].Child}");

        Shape.HasFields(span, [.. Shape.Span, "logs", "source"]);
        span.GetProperty("status").GetString().ShouldBe("ERR");
        span.GetProperty("parent_span_id").GetString().ShouldBe(_traces[0].Parent);
        JsonElement log = span.GetProperty("logs").EnumerateArray().Single();
        Shape.HasFields(log, "ts", "level", "logger", "message", "trace_id", "span_id", "parent_span_id", "exception", "attributes", "service");
        log.GetProperty("message").GetString().ShouldBe("save failed");
        // Ingested spans carry no source location (only the generator knows it, for spans an application wrote).
        span.GetProperty("source").ValueKind.ShouldBe(JsonValueKind.Null);
    }

    [Test]
    public async Task A_trace_lists_its_spans_in_start_order()
    {
        JsonElement trace = await _collector.GetJsonAsync($"/api/traces/{_traces[3].Trace}");

        Shape.HasFields(trace, "trace_id", "spans");
        trace.GetProperty("trace_id").GetString().ShouldBe(_traces[3].Trace);
        trace.GetProperty("spans").EnumerateArray().Select(s => s.GetProperty("span_id").GetString()).ShouldBe([_traces[3].Parent, _traces[3].Child]);
    }

    [Test]
    public async Task Unknown_ids_are_404_problems_and_malformed_ids_400()
    {
        using HttpResponseMessage missing = await _collector.Client.GetAsync("/api/traces/" + Events.NewTraceId());
        await ProblemAssert.IsProblem(missing, 404);
        using HttpResponseMessage missingSpan = await _collector.Client.GetAsync("/api/spans/" + Events.NewSpanId());
        await ProblemAssert.IsProblem(missingSpan, 404);
        using HttpResponseMessage bad = await _collector.Client.GetAsync("/api/spans/not-hex");
        await ProblemAssert.IsProblem(bad, 400, "span_id");
    }

    [TestCase("/api/spans?limit=0", "?limit")]
    [TestCase("/api/spans?limit=1001", "?limit")]
    [TestCase("/api/spans?from=yesterday", "?from")]
    [TestCase("/api/spans?from=2026-12-02T00:00:00Z&to=2026-12-01T00:00:00Z", "?from")]
    [TestCase("/api/spans?status=FAILED", "?status")]
    [TestCase("/api/spans?cursor=garbage", "?cursor")]
    [TestCase("/api/stats?buckets=0", "?buckets")]
    [TestCase("/api/graph?to=soon", "?to")]
    public async Task Bad_query_parameters_are_400_naming_the_parameter(string url, string path)
    {
        using HttpResponseMessage response = await _collector.Client.GetAsync(url);

        await ProblemAssert.IsProblem(response, 400, path);
    }

    [Test]
    public async Task Stats_give_counts_errors_percentiles_and_buckets_per_process()
    {
        JsonElement stats = await _collector.GetJsonAsync("/api/stats?from=2026-12-01T17:00:00Z&to=2026-12-01T17:00:30Z&buckets=3");

        Shape.HasFields(stats, "items");
        JsonElement db = stats.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("process").GetString() == "Shop.Db.Save");
        Shape.HasFields(db, "process", "count", "errors", "error_rate", "p50_ms", "p95_ms", "p99_ms", "buckets");
        db.GetProperty("count").GetInt64().ShouldBe(30);
        db.GetProperty("errors").GetInt64().ShouldBe(3);
        db.GetProperty("error_rate").GetDouble().ShouldBe(0.1);
        // Durations 1, 2, 3 ms ten times each: nearest-rank p50 = 2, p95 = p99 = 3.
        db.GetProperty("p50_ms").GetDouble().ShouldBe(2);
        db.GetProperty("p95_ms").GetDouble().ShouldBe(3);
        db.GetProperty("p99_ms").GetDouble().ShouldBe(3);
        JsonElement[] buckets = db.GetProperty("buckets").EnumerateArray().ToArray();
        buckets.Length.ShouldBe(3);
        Shape.HasFields(buckets[0], "t", "count", "errors", "p95_ms");
        buckets.Select(b => b.GetProperty("t").GetString()).ShouldBe(["2026-12-01 17:00:00.000000", "2026-12-01 17:00:10.000000", "2026-12-01 17:00:20.000000"]);
        buckets.Select(b => b.GetProperty("count").GetInt64()).ShouldBe([10L, 10L, 10L]);
        buckets.Select(b => b.GetProperty("errors").GetInt64()).ShouldBe([1L, 1L, 1L]);
    }

    [Test]
    public async Task The_graph_has_an_edge_from_parent_process_to_child_process()
    {
        JsonElement graph = await _collector.GetJsonAsync("/api/graph");

        Shape.HasFields(graph, "nodes", "edges");
        JsonElement node = graph.GetProperty("nodes").EnumerateArray().Single(n => n.GetProperty("process").GetString() == "Shop.Db.Save");
        Shape.HasFields(node, "process", "count", "errors", "last_seen");
        node.GetProperty("count").GetInt64().ShouldBe(30);
        node.GetProperty("errors").GetInt64().ShouldBe(3);
        node.GetProperty("last_seen").GetString().ShouldBe("2026-12-01 17:00:29.001000");
        JsonElement edge = graph.GetProperty("edges").EnumerateArray().Single();
        Shape.HasFields(edge, "from", "to", "count", "last_seen");
        edge.GetProperty("from").GetString().ShouldBe("Shop.Api.Checkout");
        edge.GetProperty("to").GetString().ShouldBe("Shop.Db.Save");
        edge.GetProperty("count").GetInt64().ShouldBe(30);
    }

    [Test]
    public async Task Status_reports_the_store_and_the_writer()
    {
        JsonElement status = await _collector.GetJsonAsync("/api/status");

        Shape.HasFields(status, "spans_total", "ingest_per_s", "error_rate_5m", "write_lag_ms", "queue_depth", "store_bytes", "oldest", "newest", "read_only", "retention");
        status.GetProperty("spans_total").GetInt64().ShouldBe(61);
        status.GetProperty("oldest").GetString().ShouldBe("2026-12-01 17:00:00.000000");
        status.GetProperty("newest").GetString().ShouldBe("2026-12-01 17:05:00.000000");
        status.GetProperty("store_bytes").GetInt64().ShouldBeGreaterThan(0);
        status.GetProperty("queue_depth").GetInt32().ShouldBe(0);
    }

    [Test]
    public async Task Healthz_is_200()
    {
        using HttpResponseMessage response = await _collector.Client.GetAsync("/healthz");

        ((int)response.StatusCode).ShouldBe(200);
    }

    private async Task<int> Count(string url) => (await _collector.GetJsonAsync(url)).GetProperty("items").GetArrayLength();
}
