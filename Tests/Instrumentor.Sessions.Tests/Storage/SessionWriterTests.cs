using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Instrumentor.Sessions.Storage;
using Microsoft.Data.Sqlite;

namespace Instrumentor.Sessions.Tests.Storage;

/// <summary>
/// Session rows of the file the [Monitor] pipeline writes (<see cref="MonitoringSetup.SpanDatabase"/>) are committed by
/// the span writer, inside its batch transactions; rows of another file by the tracer's own writer.
/// </summary>
public sealed class SessionWriterTests
{
    [Test]
    public async Task Spans_and_session_rows_of_one_program_commit_in_the_same_transaction_of_the_span_writer()
    {
        await StartPipelineAsync(); // a tracer of the pipeline's file attaches to its writer when made
        await using SessionTracer tracer = SpanStoreTracer();
        tracer.Writer.Shared.ShouldBeTrue();
        string sessionId = "same-tx-" + Guid.NewGuid().ToString("N");

        // While another connection holds the file's write lock, no transaction of the span writer can commit: the span
        // and the session rows queued meanwhile are all waiting when it gets the lock, and go into one transaction.
        using (var blocker = new SqliteConnection("Data Source=" + MonitoringSetup.SpanDatabase + ";Pooling=False"))
        {
            blocker.Open();
            using (SqliteCommand begin = blocker.CreateCommand())
            {
                begin.CommandText = "BEGIN IMMEDIATE;";
                begin.ExecuteNonQuery();
            }

            SharedWork.Step(41);
            await using (await tracer.StartSessionAsync(sessionId: sessionId))
            {
                await tracer.RecordEventAsync(new RuntimeEvent { Action = "a" });
                await tracer.RecordMessageAsync("m", MessageType.User);
            }

            using SqliteCommand rollback = blocker.CreateCommand();
            rollback.CommandText = "ROLLBACK;";
            rollback.ExecuteNonQuery();
        }

        (await Monitoring.FlushAsync(TimeSpan.FromSeconds(30))).ShouldBeTrue();
        (await tracer.FlushAsync(TimeSpan.FromSeconds(30))).ShouldBeTrue();

        TestContext.Out.WriteLine($"shared commits {tracer.Writer.SharedCommits}, with spans {tracer.Writer.SharedCommitsWithSpans}, own {tracer.Writer.OwnCommits}, stats {Monitoring.Stats.Written} failed {Monitoring.Stats.FailedBatches}");
        tracer.Writer.SharedCommitsWithSpans.ShouldBeGreaterThanOrEqualTo(1);
        tracer.Writer.OwnCommits.ShouldBe(0);
        tracer.RowsWritten.ShouldBe(tracer.RowsQueued);
        Scalar($"SELECT num_events + num_messages FROM session_traces WHERE session_id = '{sessionId}'").ShouldBe(2L);
        Scalar("SELECT count(*) FROM process_trace WHERE process LIKE '%SharedWork.Step%'").ShouldNotBeNull();
    }

    [Test]
    public async Task A_session_row_the_store_refuses_is_set_aside_and_neither_the_spans_nor_the_other_rows_wait_for_it()
    {
        await StartPipelineAsync();
        await using SessionTracer tracer = SpanStoreTracer();
        tracer.Writer.Shared.ShouldBeTrue();
        long spansBefore = Monitoring.Stats.Written;
        string sessionId = "bad-row-" + Guid.NewGuid().ToString("N");

        await using (await tracer.StartSessionAsync(sessionId: sessionId))
        {
            // step_id is NOT NULL: SQLITE_CONSTRAINT, the row's own fault (a timestep is an upsert, which OR IGNORE does not cover).
            tracer.Writer.Enqueue(BadTimestep(sessionId));
            SharedWork.Step(7);
            await tracer.RecordEventAsync(new RuntimeEvent { Action = "good" });
        }

        (await tracer.FlushAsync(TimeSpan.FromSeconds(30))).ShouldBeTrue();
        (await Monitoring.FlushAsync(TimeSpan.FromSeconds(30))).ShouldBeTrue();

        tracer.Writer.SetAside.ShouldBe(1);
        tracer.RowsWritten.ShouldBe(tracer.RowsQueued - 1);
        tracer.LastWriteError!.ShouldContain("NOT NULL");
        Monitoring.Stats.Written.ShouldBeGreaterThan(spansBefore);
        Monitoring.Stats.Rejected.ShouldBe(0);
        Scalar($"SELECT num_events FROM session_traces WHERE session_id = '{sessionId}'").ShouldBe(1L);
        File.ReadLines(tracer.Writer.RejectedPath!).Count(line => line.Contains(sessionId, StringComparison.Ordinal)).ShouldBe(1);
    }

    [Test]
    public async Task A_tracer_of_another_file_writes_on_its_own_and_sets_a_refused_row_aside_too()
    {
        using var store = new TempStore();
        await using SessionTracer tracer = store.Tracer();
        tracer.Writer.Shared.ShouldBeFalse();
        string sessionId = StoreText.NewId();
        await using (await tracer.StartSessionAsync(sessionId: sessionId))
        {
            tracer.Writer.Enqueue(BadTimestep(sessionId));
            await tracer.RecordMessageAsync("kept", MessageType.User);
        }

        (await tracer.FlushAsync(TimeSpan.FromSeconds(30))).ShouldBeTrue();

        tracer.Writer.OwnCommits.ShouldBeGreaterThan(0);
        tracer.Writer.SharedCommits.ShouldBe(0);
        tracer.Writer.SetAside.ShouldBe(1);
        using SessionStore read = store.Open();
        read.GetSession(sessionId)!.Messages.Select(m => m.Content).ShouldBe(["kept"]);
    }

    [Test]
    public async Task A_bulk_insert_goes_through_the_span_writer_and_stays_idempotent()
    {
        await StartPipelineAsync();
        await using SessionTracer tracer = SpanStoreTracer();
        string id = "bulk-" + Guid.NewGuid().ToString("N");
        var data = new SessionData { SessionId = id, CreatedAt = DateTimeOffset.UtcNow };

        BatchInsertResult first = await tracer.BatchInsertSessionsAsync([data]);
        BatchInsertResult again = await tracer.BatchInsertSessionsAsync([data]);

        (first.Inserted, first.Duplicates).ShouldBe((1, 0));
        (again.Inserted, again.Duplicates).ShouldBe((0, 1));
        tracer.Writer.SharedCommits.ShouldBeGreaterThanOrEqualTo(2);
        tracer.Writer.OwnCommits.ShouldBe(0);
    }

    [Test]
    public async Task When_the_pipeline_stops_the_tracer_writes_on_its_own_and_hands_back_when_it_starts_again()
    {
        await StartPipelineAsync();
        await using SessionTracer tracer = SpanStoreTracer();
        tracer.Writer.Shared.ShouldBeTrue();

        Monitoring.Shutdown(TimeSpan.FromSeconds(10));
        tracer.Writer.Shared.ShouldBeFalse();
        string alone = "alone-" + Guid.NewGuid().ToString("N");
        await using (await tracer.StartSessionAsync(sessionId: alone))
        {
            await tracer.RecordMessageAsync("while no pipeline runs", MessageType.User);
        }

        (await tracer.FlushAsync(TimeSpan.FromSeconds(30))).ShouldBeTrue();
        tracer.Writer.OwnCommits.ShouldBeGreaterThan(0);

        await StartPipelineAsync(); // the next monitored call starts a pipeline on the same file
        tracer.Writer.Shared.ShouldBeTrue();
        long own = tracer.Writer.OwnCommits;
        string shared = "shared-" + Guid.NewGuid().ToString("N");
        await using (await tracer.StartSessionAsync(sessionId: shared))
        {
            await tracer.RecordMessageAsync("with the pipeline again", MessageType.User);
        }

        (await tracer.FlushAsync(TimeSpan.FromSeconds(30))).ShouldBeTrue();
        tracer.Writer.OwnCommits.ShouldBe(own);
        Scalar($"SELECT count(*) FROM session_traces WHERE session_id IN ('{alone}', '{shared}') AND num_messages = 1").ShouldBe(2L);
    }

    [Test]
    [CancelAfter(120_000)]
    public async Task Nothing_recorded_is_lost_when_the_process_exits_without_any_flush()
    {
        using var store = new TempStore();
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in new[] { typeof(Program).Assembly.Location, "exit-without-flush", store.DatabasePath, "300" })
        {
            start.ArgumentList.Add(a);
        }

        using Process child = Process.Start(start)!;
        Task<string> output = child.StandardOutput.ReadToEndAsync();
        Task<string> error = child.StandardError.ReadToEndAsync();
        await child.WaitForExitAsync();
        TestContext.Out.WriteLine((await output).Trim() + " " + (await error).Trim());
        child.ExitCode.ShouldBe(0, await error);
        (await output).ShouldContain("shared=True");

        using SessionStore read = store.Open();
        using SqliteCommand command = read.Connection.CreateCommand();
        command.CommandText = """
            SELECT (SELECT count(*) FROM session_traces WHERE num_timesteps = 1 AND num_events = 1 AND num_messages = 1),
                   (SELECT count(*) FROM session_timesteps WHERE completed_at IS NOT NULL),
                   (SELECT count(*) FROM events),
                   (SELECT count(*) FROM process_trace WHERE process LIKE '%SharedWork.Step%')
            """;
        using SqliteDataReader reader = command.ExecuteReader();
        reader.Read().ShouldBeTrue();
        (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3)).ShouldBe((300L, 300L, 300L, 301L));
    }

    /// <summary>A monitored call starts the pipeline if it is not running; its flush waits until its writer runs.</summary>
    private static async Task StartPipelineAsync()
    {
        SharedWork.Step(0);
        (await Monitoring.FlushAsync(TimeSpan.FromSeconds(30))).ShouldBeTrue();
    }

    private static TimestepRow BadTimestep(string sessionId) =>
        new(StoreText.NewId(), sessionId, null!, 0, null, StoreText.Timestamp(DateTimeOffset.UtcNow), null, null);

    private static SessionTracer SpanStoreTracer() => new(new SessionTracerOptions { DatabasePath = MonitoringSetup.SpanDatabase });

    private static object? Scalar(string sql)
    {
        using var connection = new SqliteConnection("Data Source=" + MonitoringSetup.SpanDatabase + ";Mode=ReadOnly;Pooling=False");
        connection.Open();
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }
}
