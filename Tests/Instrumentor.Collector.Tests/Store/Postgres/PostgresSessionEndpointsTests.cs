using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Text.Json;
using System.Threading.Tasks;
using Instrumentor.Collector.Tests.Infrastructure;
using Instrumentor.Collector.Tests.Sessions;
using Instrumentor.Testing;
using Microsoft.Data.Sqlite;

namespace Instrumentor.Collector.Tests.Store.Postgres;

/// <summary>
/// Every session endpoint test of <see cref="SessionEndpointsTests"/> on <c>serve --postgres</c>, and what is particular
/// to PostgreSQL: the logical columns, and two collectors on one database.
/// </summary>
public class PostgresSessionEndpointsTests : SessionEndpointsTests
{
    private const string Body = """
        {"sessions":[{"session_id":"pg-s1","created_at":"2026-12-01T10:00:00Z","metadata":{"user":"ada"},"experiment_id":"exp"}],
         "timesteps":[{"id":"pg-t1","session_id":"pg-s1","step_id":"turn1","step_index":0,"turn_number":1,"started_at":"2026-12-01T10:00:00.250Z"}],
         "events":[{"id":"pg-e1","session_id":"pg-s1","timestep_id":"pg-t1","event_type":"cais","event_time":"2026-12-01T10:00:01Z",
                    "model_name":"gpt-4o","input_tokens":1000,"output_tokens":100,"total_tokens":1100,"cost_usd":0.0035,"latency_ms":12.5,
                    "embedding":[1.0,0.5,-0.25]}],
         "messages":[{"id":"pg-m1","session_id":"pg-s1","timestep_id":"pg-t1","message_type":"user","content":"hi","event_time":"2026-12-01T10:00:00.500Z"}],
         "session_ends":["pg-s1"]}
        """;

    private protected override Task<RunningCollector> StartCollectorAsync() =>
        RunningCollector.StartAsync(o => o with { Postgres = PostgresServer.NewDatabase("sessions") });

    private protected override long Scalar(RunningCollector collector, string sql) => new PostgresDatabase(collector.Options.Postgres!).Scalar(sql);

    [Test]
    public async Task The_session_tables_have_the_columns_of_the_SQLite_store()
    {
        await using RunningCollector collector = await StartCollectorAsync();
        var database = new PostgresDatabase(collector.Options.Postgres!);
        using var directory = new TempDirectory("pg-sessions");
        using (Instrumentor.Sessions.SessionStore.Open(directory.Combine("traces.db")))
        {
        }

        using var sqlite = new SqliteConnection($"Data Source={directory.Combine("traces.db")};Pooling=False");
        sqlite.Open();
        foreach (string table in (string[])["session_traces", "session_timesteps", "events", "messages", "experiments", "systems", "system_versions"])
        {
            using SqliteCommand command = sqlite.CreateCommand();
            command.CommandText = $"SELECT name FROM pragma_table_info('{table}') ORDER BY cid;";
            var expected = new List<string>();
            using (SqliteDataReader reader = command.ExecuteReader())
            {
                while (reader.Read())
                {
                    expected.Add(reader.GetString(0));
                }
            }

            expected.ShouldNotBeEmpty();
            database.Column($"SELECT column_name FROM information_schema.columns WHERE table_name = '{table}' ORDER BY ordinal_position;")
                .ShouldBe(expected, table);
        }
    }

    [Test]
    public async Task A_batch_sent_to_two_collectors_at_once_is_stored_once_and_both_read_it_back()
    {
        string connection = PostgresServer.NewDatabase("sessions_two");
        var database = new PostgresDatabase(connection);
        await using RunningCollector a = await RunningCollector.StartAsync(o => o with { Postgres = connection });
        await using RunningCollector b = await RunningCollector.StartAsync(o => o with { Postgres = connection });

        JsonElement[] answers = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => PostAsync(i % 2 == 0 ? a : b, Body)));

        answers.Sum(x => x.GetProperty("accepted").GetInt32()).ShouldBe(1);
        answers.Sum(x => x.GetProperty("duplicates").GetInt32()).ShouldBe(5);
        database.Scalar("SELECT count(*) FROM events;").ShouldBe(1);
        database.Scalar("SELECT count(*) FROM messages;").ShouldBe(1);
        database.Scalar("SELECT num_events + num_messages + num_timesteps FROM session_traces;").ShouldBe(3);
        database.Text("SELECT to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') FROM session_traces;").ShouldBe("2026-12-01 10:00:00");
        database.Scalar("SELECT length(embedding) FROM events;").ShouldBe(12, "3 float32");
        foreach (RunningCollector collector in new[] { a, b })
        {
            JsonElement detail = await collector.GetJsonAsync("/api/sessions/pg-s1");
            detail.GetProperty("created_at").GetString().ShouldBe("2026-12-01 10:00:00.000000");
            detail.GetProperty("metadata").GetProperty("user").GetString().ShouldBe("ada");
            detail.GetProperty("total_tokens").GetInt64().ShouldBe(1100);
            detail.GetProperty("cost_usd").GetDecimal().ShouldBe(0.0035m);
            detail.GetProperty("timesteps")[0].GetProperty("started_at").GetString().ShouldBe("2026-12-01 10:00:00.250000");
            JsonElement call = detail.GetProperty("events")[0];
            call.GetProperty("model_name").GetString().ShouldBe("gpt-4o");
            call.GetProperty("latency_ms").GetDouble().ShouldBe(12.5);
            call.GetProperty("embedding").EnumerateArray().Select(v => v.GetDouble()).ShouldBe(new[] { 1.0, 0.5, -0.25 });
            detail.GetProperty("messages")[0].GetProperty("content").GetString().ShouldBe("hi");
            JsonElement page = await collector.GetJsonAsync("/api/sessions?experiment=exp&min_cost=0.001");
            page.GetProperty("items").GetArrayLength().ShouldBe(1);
        }
    }

    private static async Task<JsonElement> PostAsync(RunningCollector collector, string body)
    {
        using HttpResponseMessage response = await collector.PostJsonAsync("/v1/sessions", body);
        string text = await response.Content.ReadAsStringAsync();
        ((int)response.StatusCode).ShouldBe(200, text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }
}
