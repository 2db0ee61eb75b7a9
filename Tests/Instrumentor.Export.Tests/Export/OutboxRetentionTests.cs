using System;
using System.Threading.Tasks;
using Instrumentor.Export.Tests.Infrastructure;
using Instrumentor.Testing;
using Microsoft.Data.Sqlite;

namespace Instrumentor.Export.Tests.Export;

/// <summary>Retention and the outbox: a span past its age that an exporter has not sent yet is kept until it is.</summary>
public sealed class OutboxRetentionTests
{
    private TempDirectory _directory = null!;

    [SetUp]
    public void SetUp() => _directory = new TempDirectory("export-retention");

    [TearDown]
    public void TearDown() => _directory.Dispose();

    [Test]
    public async Task Retention_never_deletes_spans_above_the_slowest_exporter_cursor()
    {
        var store = new AppStore(_directory.Combine("app.db"));
        // AppStore's spans started in May 2026: all of them are older than any cutoff of "now".
        store.Add(300);
        long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000;

        using (var sink = new SqliteSpanSink(store.Path, "orders-api") { ExportCursors = ["test", "other"] })
        {
            sink.Purge(now, limit: 1000).ShouldBe(0, "no exporter has sent anything yet");
        }

        await using (RunningCollector collector = await RunningCollector.StartAsync(_directory.Combine("collector.db")))
        {
            using HttpExporter exporter = Exporters.Start(store, collector.BaseAddress, o => o.BatchSize = 100);
            (await exporter.FlushAsync().WaitAsync(TimeSpan.FromSeconds(60))).ShouldBeTrue();
            exporter.Stop(TimeSpan.FromSeconds(3)).ShouldBeTrue();
        }

        SetCursor(store.Path, "other", 120);
        using (var sink = new SqliteSpanSink(store.Path, "orders-api") { ExportCursors = ["test", "other"] })
        {
            sink.Purge(now, limit: 1000).ShouldBe(120, "'test' sent all 300, 'other' only up to row 120");
        }

        using (var sink = new SqliteSpanSink(store.Path, "orders-api") { ExportCursors = ["test"] })
        {
            // 'other' is no longer configured: its cursor does not hold retention.
            sink.Purge(now, limit: 1000).ShouldBe(180);
        }

        using (var sink = new SqliteSpanSink(store.Path, "orders-api"))
        {
            store.Add(5);
            sink.Purge(now, limit: 1000).ShouldBe(5, "without exporters retention is by age alone");
        }
    }

    private static void SetCursor(string path, string name, long last)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "INSERT INTO export_cursor (name, last_rowid) VALUES ($n, $l);";
        command.Parameters.AddWithValue("$n", name);
        command.Parameters.AddWithValue("$l", last);
        command.ExecuteNonQuery();
    }
}
