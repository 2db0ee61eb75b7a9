using Instrumentor.Testing;
using System;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Instrumentor.Collector.Archive;
using Instrumentor.Collector.Commands;
using Instrumentor.Collector.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace Instrumentor.Collector.Tests.Archive;

public class StoreArchiverTests
{
    [Test]
    public async Task An_archive_written_while_ingest_runs_is_a_consistent_compact_marked_copy()
    {
        await using RunningCollector collector = await RunningCollector.StartAsync();
        using var into = new TempDirectory("archives");
        for (int i = 0; i < 5; i++)
        {
            using HttpResponseMessage response = await collector.PostJsonAsync("/v1/uploads", Events.Batch(1_000));
            ((int)response.StatusCode).ShouldBe(200);
        }

        // Ingest keeps going while the archive is written: VACUUM INTO reads one snapshot on its own connection.
        using var stop = new CancellationTokenSource();
        int posted = 0;
        Task ingest = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                using HttpResponseMessage response = await collector.PostJsonAsync("/v1/uploads", Events.Batch(200));
                ((int)response.StatusCode).ShouldBe(200);
                Interlocked.Add(ref posted, 200);
            }
        });
        ArchiveResult result = StoreArchiver.Write(collector.DatabasePath, into.Path, DateTimeOffset.UtcNow);
        await Task.Delay(200);
        stop.Cancel();
        await ingest;

        File.Exists(result.Path).ShouldBeTrue();
        Path.GetFileName(result.Path).ShouldMatch(@"^traces-\d{8}T\d{6}Z\.db$");
        File.Exists(result.Path + ".partial").ShouldBeFalse();
        StoreArchiver.IsArchive(result.Path).ShouldBeTrue();
        StoreArchiver.IsArchive(collector.DatabasePath).ShouldBeFalse();
        result.Spans.ShouldBeGreaterThanOrEqualTo(5_000);
        Count(result.Path, "SELECT count(*) FROM process_trace").ShouldBe(result.Spans);
        // Every span up to the archive's highest id is in it: exactly what the purge may delete.
        Count(result.Path, $"SELECT count(*) FROM span WHERE id <= {result.ThroughSpanId}").ShouldBe(result.Spans);
        Count(collector.DatabasePath, $"SELECT count(*) FROM span WHERE id <= {result.ThroughSpanId}").ShouldBe(result.Spans);
        collector.CountSpans().ShouldBe(5_000 + posted, "ingest went on during the archive");
        Count(result.Path, "PRAGMA integrity_check").ShouldBe(0, "integrity_check answers 'ok' (not a number: 0)");
    }

    [Test]
    public void Prune_keeps_the_newest_archives_of_the_store_and_nothing_else_is_touched()
    {
        using var store = new TempDirectory("store");
        using var into = new TempDirectory("archives");
        string db = store.Combine("traces.db");
        using (var connection = new SqliteConnection($"Data Source={db}"))
        {
            connection.Open();
        }

        Collector.Store.Sqlite.SqliteTraceStore.Open(db).Dispose();
        DateTimeOffset day = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);
        string[] written = Enumerable.Range(0, 4).Select(i => StoreArchiver.Write(db, into.Path, day.AddDays(i)).Path).ToArray();
        File.WriteAllText(into.Combine("notes.db"), "not ours");
        File.WriteAllText(into.Combine("other-20261201T000000Z.db"), "another store's");

        StoreArchiver.Prune(db, into.Path, keep: 2).ShouldBe(written[..2]);

        StoreArchiver.List(db, into.Path).ShouldBe(written[2..]);
        File.Exists(into.Combine("notes.db")).ShouldBeTrue();
        File.Exists(into.Combine("other-20261201T000000Z.db")).ShouldBeTrue();
    }

    [Test]
    public async Task Archive_command_writes_a_dated_copy_and_refuses_to_archive_an_archive()
    {
        await using RunningCollector collector = await RunningCollector.StartAsync();
        using HttpResponseMessage response = await collector.PostJsonAsync("/v1/uploads", Events.Batch(300));
        using var into = new TempDirectory("archives");

        (int exit, string output, string error) = await Run("archive", "--db", collector.DatabasePath, "--into", into.Path);

        exit.ShouldBe(0, error);
        string archive = StoreArchiver.List(collector.DatabasePath, into.Path).ShouldHaveSingleItem();
        output.ShouldContain($"Archived 300 spans");
        output.ShouldContain(archive);
        Count(archive, "SELECT count(*) FROM process_trace").ShouldBe(300);

        (int again, _, string refused) = await Run("archive", "--db", archive, "--into", into.Path);
        again.ShouldBe(CollectorCommandLine.Usage);
        refused.ShouldContain("already an archive");

        (int missing, _, string none) = await Run("archive", "--db", into.Combine("nope.db"), "--into", into.Path);
        missing.ShouldBe(CollectorCommandLine.Failed);
        none.ShouldContain("no trace store");
    }

    [Test]
    public async Task Archive_options_of_serve_are_checked()
    {
        (int exit, _, string error) = await Run("serve", "--archive-keep", "3");
        exit.ShouldBe(CollectorCommandLine.Usage);
        error.ShouldContain("need --archive-dir");

        (exit, _, error) = await Run("serve", "--archive-dir", "x", "--archive-keep", "0");
        exit.ShouldBe(CollectorCommandLine.Usage);
        error.ShouldContain("--archive-keep must be at least 1");
    }

    internal static long Count(string path, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        object? value = command.ExecuteScalar();
        return value is long n ? n : 0;
    }

    private static async Task<(int Exit, string Output, string Error)> Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = await CollectorCommandLine.RunAsync(args, output, error);
        return (exit, output.ToString(), error.ToString());
    }
}
