using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Text;
using System.Text.Json;
using System.Threading.Tasks;
using Instrumentor.Collector.Tests.Infrastructure;

namespace Instrumentor.Collector.Tests.Query;

/// <summary><c>GET /api/logs</c> and the batch ids of <c>POST /api/ingest</c>, on a real collector.</summary>
public class LogQueryEndpointsTests
{
    private RunningCollector _collector = null!;
    private string _trace = "";
    private string _span = "";

    /// <summary>The collector under test: SQLite here; the PostgreSQL store runs the same tests (Store/Postgres).</summary>
    private protected virtual Task<RunningCollector> StartCollectorAsync() => RunningCollector.StartAsync();

    [OneTimeSetUp]
    public async Task Start()
    {
        _collector = await StartCollectorAsync();
        _trace = Events.NewTraceId();
        _span = Events.NewSpanId();
        var lines = new List<string>();
        for (int i = 0; i < 120; i++)
        {
            string ids = i % 4 == 0 ? $$""","trace_id":"{{_trace}}","span_id":"{{_span}}" """ : "";
            string level = i % 10 == 0 ? "Error" : "Information";
            lines.Add($$"""{"timestamp":"2026-12-01T17:00:{{i / 2:00}}.{{i % 2 * 5}}00Z","level":"{{level}}","event":"line {{i}}","logger":"Shop.L","n":{{i}}{{ids}}}""");
        }

        using HttpResponseMessage response = await _collector.PostJsonAsync("/api/ingest", "[" + string.Join(",", lines) + "]");
        response.EnsureSuccessStatusCode();
    }

    [OneTimeTearDown]
    public async Task Stop() => await _collector.DisposeAsync();

    [Test]
    public async Task Pages_walk_every_line_newest_first_by_keyset()
    {
        var seen = new List<string>();
        string? cursor = null;
        do
        {
            JsonElement page = await _collector.GetJsonAsync("/api/logs?limit=50" + (cursor is null ? "" : "&cursor=" + cursor));
            seen.AddRange(page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("message").GetString()!));
            cursor = page.GetProperty("next_cursor").GetString();
        }
        while (cursor is not null);

        seen.Count.ShouldBe(120);
        seen.Distinct().Count().ShouldBe(120);
        seen[0].ShouldBe("line 119");
        seen[^1].ShouldBe("line 0");
    }

    [Test]
    public async Task Filters_by_trace_span_level_text_and_time()
    {
        (await Count($"/api/logs?trace_id={_trace}&limit=1000")).ShouldBe(30);
        (await Count($"/api/logs?trace_id={_trace.ToUpperInvariant()}&span_id={_span}&limit=1000")).ShouldBe(30);
        (await Count("/api/logs?level=error&limit=1000")).ShouldBe(12);
        (await Count("/api/logs?q=line%2011&limit=1000")).ShouldBe(11); // line 11, 110..119
        (await Count("/api/logs?from=2026-12-01T17:00:10Z&to=2026-12-01T17:00:20Z&limit=1000")).ShouldBe(20);
    }

    [TestCase("trace_id=xyz", "?trace_id")]
    [TestCase("span_id=123", "?span_id")]
    [TestCase("limit=0", "?limit")]
    [TestCase("cursor=nope", "?cursor")]
    public async Task Bad_filters_are_a_problem_naming_the_parameter(string query, string path)
    {
        using HttpResponseMessage response = await _collector.Client.GetAsync("/api/logs?" + query);
        await ProblemAssert.IsProblem(response, 400, path);
    }

    [Test]
    public async Task The_same_batch_id_twice_stores_the_lines_once()
    {
        await using RunningCollector collector = await RunningCollector.StartAsync();
        const string Body = """[{"event":"a"},{"event":"b"}]""";

        (await Post(collector, Body, "batch-7")).ShouldBe("""{"ingested":2}""");
        (await Post(collector, Body, "batch-7")).ShouldBe("""{"ingested":0,"duplicates":2}""");
        (await Post(collector, Body, null)).ShouldBe("""{"ingested":2}""");

        collector.CountLogs().ShouldBe(4);
    }

    [Test]
    public async Task A_batch_id_over_200_characters_is_refused()
    {
        await using RunningCollector collector = await RunningCollector.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/ingest") { Content = new StringContent("""[{"event":"a"}]""", Encoding.UTF8, "application/json") };
        request.Headers.Add("Instrumentor-Batch-Id", new string('x', 201));
        using HttpResponseMessage response = await collector.Client.SendAsync(request);
        await ProblemAssert.IsProblem(response, 400);
        collector.CountLogs().ShouldBe(0);
    }

    private static async Task<string> Post(RunningCollector collector, string body, string? batchId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/ingest") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (batchId is not null)
        {
            request.Headers.Add("Instrumentor-Batch-Id", batchId);
        }

        using HttpResponseMessage response = await collector.Client.SendAsync(request);
        string text = await response.Content.ReadAsStringAsync();
        ((int)response.StatusCode).ShouldBe(200, text);
        return text;
    }

    private async Task<int> Count(string path) => (await _collector.GetJsonAsync(path)).GetProperty("items").GetArrayLength();
}
