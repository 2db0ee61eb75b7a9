using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Text.Json;
using System.Threading.Tasks;
using Instrumentor.Collector.Tests.Infrastructure;

namespace Instrumentor.Collector.Tests.Store.Postgres;

/// <summary>Two <c>serve --postgres</c> instances on one database behind round-robin clients (docs/scaling-out.md).</summary>
public class PostgresScaleOutTests
{
    [Test]
    public async Task Two_collectors_store_every_span_once_and_each_API_sees_all()
    {
        string connection = PostgresServer.NewDatabase("scaleout");
        var database = new PostgresDatabase(connection);
        await using RunningCollector a = await RunningCollector.StartAsync(o => o with { Postgres = connection });
        await using RunningCollector b = await RunningCollector.StartAsync(o => o with { Postgres = connection });
        RunningCollector[] collectors = [a, b];

        // One trace whose spans arrive through both collectors, and 40 batches of 50 spans from 4 clients.
        string trace = Events.NewTraceId();
        string root = Events.NewSpanId();
        var batches = new List<string[]>
        {
            new[] { Events.Event(trace, root, process: "Shop.Api.Checkout") },
            new[] { Events.Event(trace, Events.NewSpanId(), root, process: "Shop.Db.Save") },
        };
        for (int i = 0; i < 40; i++)
        {
            batches.Add(Enumerable.Range(0, 50).Select(_ => Events.Event()).ToArray());
        }

        int unique = batches.Sum(batch => batch.Length);
        // Round-robin: batch i to collector i % 2; every third batch is sent again to the other one at the same time,
        // as a client does when its first answer was lost behind the load balancer.
        var sends = new List<Task<JsonElement>>();
        for (int i = 0; i < batches.Count; i++)
        {
            string body = Events.Batch(batches[i]);
            sends.Add(PostAsync(collectors[i % 2], body));
            if (i % 3 == 0)
            {
                sends.Add(PostAsync(collectors[(i + 1) % 2], body));
            }
        }

        JsonElement[] answers = await Task.WhenAll(sends);

        answers.Sum(x => x.GetProperty("accepted").GetInt32()).ShouldBe(unique, "each span accepted by exactly one collector");
        database.Scalar("SELECT count(*) FROM process_trace;").ShouldBe(unique);
        database.Scalar("SELECT count(*) FROM (SELECT DISTINCT trace_id, span_id FROM process_trace) d;").ShouldBe(unique);
        foreach (RunningCollector collector in collectors)
        {
            (await collector.GetJsonAsync("/api/status")).GetProperty("spans_total").GetInt64().ShouldBe(unique);
            (await collector.GetJsonAsync($"/api/traces/{trace}")).GetProperty("spans").GetArrayLength().ShouldBe(2);
            (await collector.GetJsonAsync("/api/spans?process=Shop.Db.Save")).GetProperty("items").GetArrayLength().ShouldBe(1,
                "a process first seen by the other collector is named here too");
            (await PageThroughAsync(collector)).ShouldBe(unique);
        }
    }

    private static async Task<int> PageThroughAsync(RunningCollector collector)
    {
        var seen = new HashSet<string>();
        string? cursor = null;
        do
        {
            JsonElement page = await collector.GetJsonAsync("/api/spans?limit=1000" + (cursor is null ? "" : "&cursor=" + cursor));
            foreach (JsonElement item in page.GetProperty("items").EnumerateArray())
            {
                seen.Add(item.GetProperty("span_id").GetString()!).ShouldBeTrue("no span on two pages");
            }

            cursor = page.GetProperty("next_cursor").GetString();
        }
        while (cursor is not null);
        return seen.Count;
    }

    private static async Task<JsonElement> PostAsync(RunningCollector collector, string body)
    {
        using HttpResponseMessage response = await collector.PostJsonAsync("/v1/uploads", body);
        string text = await response.Content.ReadAsStringAsync();
        ((int)response.StatusCode).ShouldBe(200, text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }
}
