using System;
using System.Collections.Generic;
using System.IO;
using Instrumentor.IntegrationTests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace Instrumentor.IntegrationTests;

/// <summary><c>dotnet run --project Samples/AgentSessions</c>: an agent loop traced as a session, totals read back from the store.</summary>
[Category("Build")]
public class AgentSessionsSampleTests
{
    [Test]
    public void The_agent_sample_records_three_turns_with_a_tool_call_and_a_failed_call_and_prints_its_totals()
    {
        string db = Path.Combine(Path.GetTempPath(), "agent-sessions-" + Guid.NewGuid().ToString("N") + ".db");
        try
        {
            ProcessRunner.Result run = ProcessRunner.Run("dotnet", "run --project Samples/AgentSessions", RepositoryPaths.Root,
                new Dictionary<string, string?> { ["INSTRUMENTOR_DB"] = db });

            run.ExitCode.ShouldBe(0, run.ToString());
            run.StandardOutput.ShouldContain("[hook] LLM call failed: System.InvalidOperationException: 503");
            run.StandardOutput.ShouldContain(": 3 timesteps, 6 events (4 LLM calls, 1 failed), 6 messages");
            run.StandardOutput.ShouldContain("Tokens: 147 in, 51 out, 198 total; cost $0.000878");

            using var connection = new SqliteConnection("Data Source=" + db + ";Mode=ReadOnly;Pooling=False");
            connection.Open();
            using SqliteCommand command = connection.CreateCommand();
            // Every LLM call is a span whose parent is the monitored turn, and its event names that span.
            command.CommandText = """
                SELECT count(*) FROM events e
                JOIN process_trace c ON c.span_id = e.span_id AND c.trace_id = e.trace_id
                JOIN process_trace p ON p.span_id = c.parent_span_id AND p.trace_id = c.trace_id
                WHERE e.event_type = 'cais' AND c.process_group = 'gen_ai' AND p.process = 'AgentSessions.WeatherAgent.RunTurnAsync'
                """;
            Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture).ShouldBe(4);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            foreach (string file in new[] { db, db + "-wal", db + "-shm" })
            {
                File.Delete(file);
            }
        }
    }
}
