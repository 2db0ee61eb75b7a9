using System;
using System.Collections.Generic;
using System.IO;
using Instrumentor.IntegrationTests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace Instrumentor.IntegrationTests;

/// <summary>The same program built with and without the generator, run as real processes.</summary>
[NonParallelizable]
[Category("Build")]
public class ParityTests
{
    private const string ExpectedOutput = """
        total=16.20
        fetched=ABC
        caught ArgumentException: negative quantity (Parameter 'quantity') at Check
        caught async too slow
        calls=4

        """;

    private static FixtureApp? s_traced;
    private static FixtureApp? s_plain;

    [OneTimeSetUp]
    public void BuildBoth()
    {
        s_traced = FixtureApp.Build("ParityApp", interception: true);
        s_plain = FixtureApp.Build("ParityApp", interception: false);
    }

    [OneTimeTearDown]
    public void CleanUp()
    {
        s_traced?.Dispose();
        s_plain?.Dispose();
    }

    [Test]
    public void Built_with_and_without_the_generator_the_program_prints_the_same()
    {
        string tracedDb = Path.Combine(s_traced!.Directory, "traced.db");
        string plainDb = Path.Combine(s_plain!.Directory, "plain.db");

        ProcessRunner.Result traced = s_traced.Run(new Dictionary<string, string?> { ["INSTRUMENTOR_DB"] = tracedDb });
        ProcessRunner.Result plain = s_plain.Run(new Dictionary<string, string?> { ["INSTRUMENTOR_DB"] = plainDb });

        traced.ExitCode.ShouldBe(0, traced.ToString());
        plain.ExitCode.ShouldBe(0, plain.ToString());
        traced.StandardOutput.ShouldBe(ExpectedOutput.ReplaceLineEndings(Environment.NewLine));
        plain.StandardOutput.ShouldBe(traced.StandardOutput);

        CountRows(tracedDb).ShouldBe(5);
        File.Exists(plainDb).ShouldBeFalse("without the generator nothing is traced");
    }

    [Test]
    public void An_unwritable_database_path_gives_one_clear_error_and_the_program_runs_normally()
    {
        // A path below a regular file can never be created.
        string blocker = Path.Combine(s_traced!.Directory, "not-a-directory");
        File.WriteAllText(blocker, "");

        ProcessRunner.Result run = s_traced.Run(new Dictionary<string, string?> { ["INSTRUMENTOR_DB"] = Path.Combine(blocker, "traces.db") });

        run.ExitCode.ShouldBe(0, run.ToString());
        run.StandardOutput.ShouldBe(ExpectedOutput.ReplaceLineEndings(Environment.NewLine));
        string[] errorLines = run.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Array.FindAll(errorLines, l => l.StartsWith("Instrumentor: cannot write traces to", StringComparison.Ordinal)).Length.ShouldBe(1, run.StandardError);
        run.StandardError.ShouldContain("INSTRUMENTOR_DB");
    }

    private static long CountRows(string path)
    {
        using var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM process_trace";
        return (long)command.ExecuteScalar()!;
    }
}
