using System;
using System.Diagnostics;
using System.Collections.Generic;
using System.IO;
using System.Text.RegularExpressions;
using System.Threading;
using Instrumentor.IntegrationTests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace Instrumentor.IntegrationTests;

/// <summary>A traced process killed with SIGKILL mid-run leaves a valid store, and its spool is replayed once.</summary>
[NonParallelizable]
[Category("Build")]
public class CrashRecoveryTests
{
    [Test]
    public void After_SIGKILL_the_database_is_valid_every_flushed_record_is_there_and_the_spool_is_replayed_without_duplicates()
    {
        using FixtureApp app = FixtureApp.Build("CrashApp", interception: true);
        string db = Path.Combine(app.Directory, "crash.db");
        var environment = new Dictionary<string, string?> { ["INSTRUMENTOR_DB"] = db };

        int lastDurable = RunAndKill(app, environment);

        using (var connection = Open(db))
        {
            Scalar(connection, "PRAGMA integrity_check").ShouldBe("ok");
            Scalar(connection, $"SELECT count(DISTINCT json_extract(data, '$[0].v')) FROM span WHERE CAST(json_extract(data, '$[0].v') AS INTEGER) BETWEEN 0 AND {lastDurable}")
                .ShouldBe((long)lastDurable + 1, "every record flushed before the kill is in the store");
            Scalar(connection, "SELECT count(*) - count(DISTINCT span_id) FROM span").ShouldBe(0L);
        }

        new FileInfo(db + ".spool").Length.ShouldBeGreaterThan(24L, "the burst left spilled records in the spool");

        ProcessRunner.Result replay = ProcessRunner.Run("dotnet", Path.Combine("bin", "Debug", "net10.0", "CrashApp.dll") + " replay",
            app.Directory, environment, TimeSpan.FromMinutes(3));
        replay.ExitCode.ShouldBe(0, replay.ToString());
        Match replayed = Regex.Match(replay.StandardOutput, @"replayed (\d+) flushed True");
        replayed.Success.ShouldBeTrue(replay.ToString());
        long.Parse(replayed.Groups[1].Value).ShouldBeGreaterThan(0);

        using var check = Open(db);
        Scalar(check, "PRAGMA integrity_check").ShouldBe("ok");
        Scalar(check, "SELECT count(*) - count(DISTINCT span_id) FROM span").ShouldBe(0L, "replay wrote nothing twice");
    }

    [Test]
    public void The_error_record_of_the_exception_that_kills_the_process_reaches_the_store()
    {
        using FixtureApp app = FixtureApp.Build("CrashApp", interception: true);
        string db = Path.Combine(app.Directory, "unhandled.db");
        var environment = new Dictionary<string, string?> { ["INSTRUMENTOR_DB"] = db };

        ProcessRunner.Result run = ProcessRunner.Run("dotnet", Path.Combine("bin", "Debug", "net10.0", "CrashApp.dll") + " unhandled",
            app.Directory, environment, TimeSpan.FromMinutes(3));

        run.ExitCode.ShouldNotBe(0, run.ToString());
        run.StandardError.ShouldContain("the process dies of this");
        using SqliteConnection connection = Open(db);
        Scalar(connection, "SELECT count(*) FROM process_trace WHERE process LIKE '%Worker.Explode' AND status = 'ERR' AND exception LIKE '%the process dies of this%'")
            .ShouldBe(1L, run.ToString());
        Scalar(connection, "SELECT count(*) FROM process_trace WHERE process LIKE '%Worker.Work'").ShouldBe(10L);
    }

    private static int RunAndKill(FixtureApp app, IDictionary<string, string?> environment)
    {
        ProcessStartInfo start = ProcessRunner.StartInfo("dotnet", Path.Combine("bin", "Debug", "net10.0", "CrashApp.dll") + " run", app.Directory, environment);
        using var process = Process.Start(start)!;
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        int lastDurable = -1;
        var deadline = DateTime.UtcNow.AddMinutes(3);
        string? line;
        while ((line = process.StandardOutput.ReadLine()) is not null && DateTime.UtcNow < deadline)
        {
            Match durable = Regex.Match(line, @"^durable (\d+)");
            if (durable.Success)
            {
                lastDurable = int.Parse(durable.Groups[1].Value);
            }

            if (line == "burst")
            {
                // Let the burst overflow into the spool, then kill -9: no flush, no exit handler.
                Thread.Sleep(700);
                break;
            }
        }

        process.Kill(entireProcessTree: true); // SIGKILL on Linux
        process.WaitForExit();
        lastDurable.ShouldBeGreaterThan(0, "the app flushed before the kill");
        return lastDurable;
    }

    private static SqliteConnection Open(string db)
    {
        var connection = new SqliteConnection($"Data Source={db};Pooling=False");
        connection.Open();
        return connection;
    }

    private static object? Scalar(SqliteConnection connection, string sql)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }
}
