using System;
using System.Collections.Generic;
using System.Threading.Tasks;
using Microsoft.Data.Sqlite;

namespace Instrumentor.Sessions.Tests.Storage;

public sealed class SessionSchemaTests
{
    private static readonly Dictionary<string, string[]> s_contract = new()
    {
        ["session_traces"] = ["session_id", "created_at", "metadata", "experiment_id", "num_timesteps", "num_events", "num_messages"],
        ["session_timesteps"] = ["id", "session_id", "step_id", "step_index", "turn_number", "started_at", "completed_at", "metadata"],
        ["events"] = ["id", "session_id", "timestep_id", "event_type", "system_instance_id", "event_time", "model_name", "provider",
            "input_tokens", "output_tokens", "total_tokens", "cost_usd", "latency_ms", "trace_id", "span_id", "metadata", "embedding"],
        ["messages"] = ["id", "session_id", "timestep_id", "message_type", "content", "event_time", "metadata", "embedding"],
        ["experiments"] = ["experiment_id", "name", "description", "configuration", "created_at"],
        ["systems"] = ["system_id", "name", "system_type", "description"],
        ["system_versions"] = ["version_id", "system_id", "version", "configuration", "created_at"],
    };

    [Test]
    public void The_session_tables_have_the_logical_names_and_columns_next_to_the_span_views()
    {
        using var store = new TempStore();
        using SessionStore read = store.Open();
        foreach ((string table, string[] columns) in s_contract)
        {
            string.Join(",", Columns(read.Connection, table)).ShouldBe(string.Join(",", columns), table);
        }

        Scalar(read.Connection, "SELECT count(*) FROM sqlite_master WHERE type = 'view' AND name IN ('process_trace', 'data_trace')").ShouldBe(2L);
    }

    [Test]
    public void The_session_tables_are_versioned_on_their_own_and_leave_the_span_version_alone()
    {
        using var store = new TempStore();
        long spanVersion;
        using (var spansOnly = new SqliteConnection("Data Source=" + store.DatabasePath + ";Pooling=False"))
        {
            spansOnly.Open();
            using (SessionStore.Open(store.DatabasePath))
            {
            }

            spanVersion = Scalar(spansOnly, "PRAGMA user_version");
            Scalar(spansOnly, "SELECT version FROM schema_components WHERE component = 'sessions'").ShouldBe(1L);
            Scalar(spansOnly, "SELECT count(*) FROM schema_components").ShouldBe(1L);
        }

        spanVersion.ShouldBeGreaterThan(0);
        using (SessionStore again = SessionStore.Open(store.DatabasePath))
        {
            Scalar(again.Connection, "PRAGMA user_version").ShouldBe(spanVersion);
        }
    }

    [Test]
    public void Read_only_opening_creates_nothing_and_reads_a_store_without_session_tables_as_empty()
    {
        using var store = new TempStore();
        using (var spansOnly = new SqliteConnection("Data Source=" + store.DatabasePath + ";Pooling=False"))
        {
            spansOnly.Open();
            using SqliteCommand create = spansOnly.CreateCommand();
            create.CommandText = "CREATE TABLE unrelated (x INTEGER);";
            create.ExecuteNonQuery();
        }

        byte[] before = System.IO.File.ReadAllBytes(store.DatabasePath);
        using (SessionStore read = SessionStore.OpenReadOnly(store.DatabasePath))
        {
            read.ListSessions(new SessionQuery()).Items.ShouldBeEmpty();
            read.GetSession("nope").ShouldBeNull();
            read.CostByModel().ShouldBeEmpty();
            read.FindSimilarEvents([1f, 0f]).ShouldBeEmpty();
            Should.Throw<SqliteException>(() => Scalar(read.Connection, "CREATE TABLE t (x)")).Message.ShouldContain("readonly");
        }

        System.IO.File.ReadAllBytes(store.DatabasePath).ShouldBe(before);
    }

    [Test]
    public void A_file_with_newer_session_tables_is_refused_with_a_clear_message()
    {
        using var store = new TempStore();
        using (SessionStore read = store.Open())
        {
            Execute(read.Connection, "UPDATE schema_components SET version = 99 WHERE component = 'sessions'");
        }

        var error = Should.Throw<InvalidOperationException>(() => SessionStore.Open(store.DatabasePath));
        error.Message.ShouldContain("version 99");
        error.Message.ShouldContain("newer");
    }

    [TestCase("SELECT * FROM events WHERE session_id = 'x' ORDER BY event_time", "events_session")]
    [TestCase("SELECT * FROM session_traces WHERE created_at > datetime('now', '-1 hour') ORDER BY created_at DESC", "session_traces_created")]
    [TestCase("SELECT model_name, total(cost_usd) FROM events WHERE model_name = 'gpt-4o' AND event_time > '2026-01-01' GROUP BY model_name", "events_model_cost")]
    [TestCase("SELECT * FROM messages WHERE session_id = 'x' ORDER BY event_time", "messages_session")]
    [TestCase("SELECT * FROM session_timesteps WHERE session_id = 'x' ORDER BY step_index", "session_timesteps_session")]
    public void Queries_by_session_by_time_and_cost_by_model_use_an_index(string sql, string index)
    {
        using var store = new TempStore();
        using SessionStore read = store.Open();
        using SqliteCommand command = read.Connection.CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN " + sql;
        var plan = new List<string>();
        using (SqliteDataReader reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                plan.Add(reader.GetString(3));
            }
        }

        string text = string.Join(" | ", plan);
        text.ShouldContain("INDEX " + index);
        text.ShouldNotContain("SCAN ");
    }

    [Test]
    public async Task Embeddings_are_float32_blobs_and_the_nearest_are_found_by_cosine_similarity()
    {
        using var store = new TempStore();
        string sessionId;
        await using (SessionTracer tracer = store.Tracer())
        {
            await using SessionScope session = await tracer.StartSessionAsync();
            sessionId = session.SessionId;
            await tracer.RecordMessageAsync("north", MessageType.User, embedding: [0f, 1f, 0f]);
            await tracer.RecordMessageAsync("east", MessageType.User, embedding: [1f, 0f, 0f]);
            await tracer.RecordMessageAsync("north-east", MessageType.User, embedding: [1f, 1f, 0f]);
            await tracer.RecordMessageAsync("other size", MessageType.User, embedding: [1f, 1f]);
            await tracer.RecordEventAsync(new RuntimeEvent { Action = "a", Embedding = [0.5f, 0.5f, 0.5f] });
        }

        using SessionStore read = store.Open();
        Scalar(read.Connection, "SELECT length(embedding) FROM messages WHERE content = 'north'").ShouldBe(12L);
        IReadOnlyList<SimilarityMatch> best = read.FindSimilarMessages([0.9f, 1f, 0f], limit: 2);
        best.Count.ShouldBe(2);
        Content(read, best[0].Id).ShouldBe("north-east");
        Content(read, best[1].Id).ShouldBe("north");
        best[0].Similarity.ShouldBe(0.9986, 0.001);
        read.FindSimilarEvents([1f, 1f, 1f]).ShouldHaveSingleItem().Similarity.ShouldBe(1.0, 1e-6);
        read.GetSession(sessionId)!.Messages[0].Embedding.ShouldBe([0f, 1f, 0f]);
        Should.Throw<ArgumentException>(() => read.FindSimilarMessages([]));
    }

    private static string Content(SessionStore store, string id)
    {
        using SqliteCommand command = store.Connection.CreateCommand();
        command.CommandText = "SELECT content FROM messages WHERE id = $id";
        command.Parameters.AddWithValue("$id", id);
        return (string)command.ExecuteScalar()!;
    }

    private static List<string> Columns(SqliteConnection connection, string table)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = $"PRAGMA table_info({table})";
        var columns = new List<string>();
        using SqliteDataReader reader = command.ExecuteReader();
        while (reader.Read())
        {
            columns.Add(reader.GetString(1));
        }

        return columns;
    }

    private static long Scalar(SqliteConnection connection, string sql)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)command.ExecuteScalar()!;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
