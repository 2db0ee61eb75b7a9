using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.Data.Sqlite;

namespace Instrumentor.Sessions.Tests.Storage;

public sealed class ManyWritersTests
{
    [Test]
    [CancelAfter(300_000)]
    public async Task Four_processes_writing_500_sessions_each_into_one_new_file_lose_nothing_and_duplicate_nothing()
    {
        using var store = new TempStore();
        string go = Path.Combine(store.Directory, "go");
        string assembly = typeof(Program).Assembly.Location;
        Process[] writers = Enumerable.Range(0, 4).Select(w =>
        {
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (string a in new[] { assembly, "write-sessions", store.DatabasePath, "500", "w" + w + "-", go })
            {
                start.ArgumentList.Add(a);
            }

            return Process.Start(start)!;
        }).ToArray();
        Task<string>[] outputs = writers.Select(p => p.StandardOutput.ReadToEndAsync()).ToArray();
        Task<string>[] errors = writers.Select(p => p.StandardError.ReadToEndAsync()).ToArray();

        // All four start writing at the same moment, onto a file none of them has created yet.
        await File.WriteAllTextAsync(go, "");
        foreach (Process writer in writers)
        {
            await writer.WaitForExitAsync();
        }

        for (int w = 0; w < 4; w++)
        {
            string output = await outputs[w], error = await errors[w];
            TestContext.Out.WriteLine($"writer {w}: {output.Trim()} {error.Trim()}");
            error.ShouldNotContain("locked");
            output.ShouldNotContain("locked");
            writers[w].ExitCode.ShouldBe(0, output + error);
        }

        using SessionStore read = store.Open();
        using SqliteCommand command = read.Connection.CreateCommand();
        command.CommandText = """
            SELECT (SELECT count(*) FROM session_traces), (SELECT count(DISTINCT session_id) FROM session_traces),
                   (SELECT count(*) FROM session_timesteps WHERE completed_at IS NOT NULL),
                   (SELECT count(*) FROM events), (SELECT count(DISTINCT session_id) FROM events),
                   (SELECT count(*) FROM messages), (SELECT count(*) FROM session_traces WHERE num_events = 1 AND num_messages = 1 AND num_timesteps = 1)
            """;
        using SqliteDataReader reader = command.ExecuteReader();
        reader.Read().ShouldBeTrue();
        Enumerable.Range(0, 7).Select(reader.GetInt64).ShouldAllBe(n => n == 2000);
    }
}
