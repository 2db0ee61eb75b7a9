using System;
using System.Linq;
using System.Net.Http;
using System.Text.Json;
using System.Threading.Tasks;
using Instrumentor.Collector.Tests.Infrastructure;
using Instrumentor.Sessions;

namespace Instrumentor.Collector.Tests.Sessions;

/// <summary>The session endpoints on the SQLite store; <see cref="Store.Postgres.PostgresSessionEndpointsTests"/> runs them on PostgreSQL.</summary>
public class SessionEndpointsTests
{
    /// <summary>A collector over a store of its own.</summary>
    private protected virtual Task<RunningCollector> StartCollectorAsync() => RunningCollector.StartAsync();

    /// <summary>A value of SQL over the collector's store.</summary>
    private protected virtual long Scalar(RunningCollector collector, string sql) => collector.Scalar(sql);

    [Test]
    public async Task A_tracer_pointed_at_the_collector_stores_sessions_that_the_query_API_returns_in_order_with_totals()
    {
        await using RunningCollector collector = await StartCollectorAsync();
        string sessionId;
        await using (var tracer = new SessionTracer(collector.BaseAddress))
        {
            tracer.Options.Prices["gpt-4o"] = new ModelPrice(2.50m, 10.00m);
            await using (SessionScope session = await tracer.StartSessionAsync(metadata: new() { ["user"] = "ada" }))
            {
                sessionId = session.SessionId;
                for (int turn = 1; turn <= 2; turn++)
                {
                    await using (await tracer.StartTimestepAsync("turn" + turn, turn))
                    {
                        await tracer.RecordMessageAsync("question " + turn, MessageType.User);
                        await tracer.RecordEventAsync(new LlmCallEvent { ModelName = "gpt-4o", InputTokens = 1000, OutputTokens = 100, LatencyMs = 12 });
                    }
                }
            }

            (await tracer.FlushAsync(TimeSpan.FromSeconds(30))).ShouldBeTrue();
            tracer.WriteFailures.ShouldBe(0);
        }

        JsonElement detail = await collector.GetJsonAsync("/api/sessions/" + sessionId);
        detail.GetProperty("session_id").GetString().ShouldBe(sessionId);
        detail.GetProperty("metadata").GetProperty("user").GetString().ShouldBe("ada");
        detail.GetProperty("num_timesteps").GetInt64().ShouldBe(2);
        detail.GetProperty("num_events").GetInt64().ShouldBe(2);
        detail.GetProperty("total_tokens").GetInt64().ShouldBe(2200);
        detail.GetProperty("cost_usd").GetDecimal().ShouldBe(0.007m);
        detail.GetProperty("timesteps").EnumerateArray().Select(t => t.GetProperty("step_id").GetString()).ShouldBe(new[] { "turn1", "turn2" });
        detail.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("content").GetString()).ShouldBe(new[] { "question 1", "question 2" });
        JsonElement call = detail.GetProperty("events")[0];
        call.GetProperty("event_type").GetString().ShouldBe("cais");
        call.GetProperty("cost_usd").GetDouble().ShouldBe(0.0035, 1e-12);
        call.GetProperty("timestep_id").GetString().ShouldBe(detail.GetProperty("timesteps")[0].GetProperty("id").GetString());
        Scalar(collector, "SELECT count(*) FROM session_traces").ShouldBe(1);
    }

    [Test]
    public async Task The_same_batch_posted_twice_is_stored_once()
    {
        await using RunningCollector collector = await StartCollectorAsync();
        string body = """
            {"sessions":[{"session_id":"s1","created_at":"2026-12-01T10:00:00Z","metadata":null,"experiment_id":null}],
             "events":[{"id":"e1","session_id":"s1","event_type":"runtime","event_time":"2026-12-01T10:00:01Z"}],
             "session_ends":["s1"]}
            """;
        using HttpResponseMessage first = await collector.PostJsonAsync("/v1/sessions", body);
        (await first.Content.ReadAsStringAsync()).ShouldBe("""{"accepted":1,"duplicates":0}""");
        using HttpResponseMessage second = await collector.PostJsonAsync("/v1/sessions", body);
        (await second.Content.ReadAsStringAsync()).ShouldBe("""{"accepted":0,"duplicates":1}""");
        Scalar(collector, "SELECT count(*) FROM events").ShouldBe(1);
        Scalar(collector, "SELECT num_events FROM session_traces WHERE session_id = 's1'").ShouldBe(1);
    }

    [Test]
    public async Task A_body_with_one_bad_value_stores_nothing_and_names_the_path()
    {
        await using RunningCollector collector = await StartCollectorAsync();
        string body = """
            {"sessions":[{"session_id":"s1","created_at":"2026-12-01T10:00:00Z"}],
             "events":[{"id":"e1","session_id":"s1","event_type":"weird","event_time":"2026-12-01T10:00:01Z"}]}
            """;
        using HttpResponseMessage response = await collector.PostJsonAsync("/v1/sessions", body);
        await ProblemAssert.IsProblem(response, 400, "$.events[0].event_type");
        using HttpResponseMessage notJson = await collector.PostJsonAsync("/v1/sessions", "{nope");
        await ProblemAssert.IsProblem(notJson, 400);
        Scalar(collector, "SELECT count(*) FROM session_traces").ShouldBe(0);
        Scalar(collector, "SELECT count(*) FROM events").ShouldBe(0);
        (await collector.GetJsonAsync("/api/sessions")).GetProperty("items").GetArrayLength().ShouldBe(0);
    }

    [Test]
    public async Task Sessions_are_listed_newest_first_filtered_by_time_experiment_system_and_cost_and_paged_by_cursor()
    {
        await using RunningCollector collector = await StartCollectorAsync();
        var sessions = Enumerable.Range(0, 5).Select(i =>
        {
            var data = new SessionData
            {
                SessionId = "s" + i, CreatedAt = new DateTimeOffset(2026, 12, 1, 10, i, 0, TimeSpan.Zero), ExperimentId = i % 2 == 0 ? "even" : "odd",
            };
            data.Events.Add(new LlmCallEvent { ModelName = "m", CostUsd = 0.05m * i, SystemInstanceId = "agent-" + (i < 3 ? "a" : "b") });
            return data;
        }).ToList();
        await using (var tracer = new SessionTracer(collector.BaseAddress))
        {
            (await tracer.BatchInsertSessionsAsync(sessions)).ShouldBe(new BatchInsertResult(5, 0));
        }

        static string[] Ids(JsonElement page) => page.GetProperty("items").EnumerateArray().Select(s => s.GetProperty("session_id").GetString()!).ToArray();
        Ids(await collector.GetJsonAsync("/api/sessions")).ShouldBe(new[] { "s4", "s3", "s2", "s1", "s0" });
        Ids(await collector.GetJsonAsync("/api/sessions?experiment=even")).ShouldBe(new[] { "s4", "s2", "s0" });
        Ids(await collector.GetJsonAsync("/api/sessions?system=agent-b")).ShouldBe(new[] { "s4", "s3" });
        Ids(await collector.GetJsonAsync("/api/sessions?min_cost=0.10")).ShouldBe(new[] { "s4", "s3" });
        Ids(await collector.GetJsonAsync("/api/sessions?from=2026-12-01T10:01:00Z&to=2026-12-01T10:03:00Z")).ShouldBe(new[] { "s2", "s1" });

        JsonElement first = await collector.GetJsonAsync("/api/sessions?limit=2");
        Ids(first).ShouldBe(new[] { "s4", "s3" });
        string cursor = first.GetProperty("next_cursor").GetString()!;
        JsonElement second = await collector.GetJsonAsync("/api/sessions?limit=2&cursor=" + Uri.EscapeDataString(cursor));
        Ids(second).ShouldBe(new[] { "s2", "s1" });
        JsonElement last = await collector.GetJsonAsync("/api/sessions?limit=2&cursor=" + Uri.EscapeDataString(second.GetProperty("next_cursor").GetString()!));
        Ids(last).ShouldBe(new[] { "s0" });
        last.GetProperty("next_cursor").ValueKind.ShouldBe(JsonValueKind.Null);

        using HttpResponseMessage badCost = await collector.Client.GetAsync("/api/sessions?min_cost=lots");
        await ProblemAssert.IsProblem(badCost, 400);
        using HttpResponseMessage badCursor = await collector.Client.GetAsync("/api/sessions?cursor=zzz");
        await ProblemAssert.IsProblem(badCursor, 400);
        using HttpResponseMessage missing = await collector.Client.GetAsync("/api/sessions/nope");
        await ProblemAssert.IsProblem(missing, 404);
    }
}
