using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading.Tasks;
using Instrumentor.Export.Tests.Infrastructure;
using Instrumentor.Testing;
using Microsoft.Data.Sqlite;

namespace Instrumentor.Export.Tests.Outage;

/// <summary>
/// The real-process runs of <see cref="RealProcessOutageTests"/> without a SQLite store (<c>DatabasePath = null</c>):
/// the spool folder is the outbox. The collector is SIGKILLed during a 100,000-span run, or the application is
/// SIGKILLed mid-stream and started again; every committed span reaches the collector, none twice.
/// </summary>
[NonParallelizable]
[Category("Process")]
public sealed class SpoolOutboxOutageTests
{
    private const int Spans = 100_000;
    private TempDirectory _directory = null!;

    [SetUp]
    public void SetUp() => _directory = new TempDirectory("spool-outage");

    [TearDown]
    public void TearDown() => _directory.Dispose();

    private static int OutageSeconds =>
        int.TryParse(Environment.GetEnvironmentVariable("INSTRUMENTOR_TEST_OUTAGE_SECONDS"), NumberStyles.Integer, CultureInfo.InvariantCulture, out int s) ? s : 10;

    [Test]
    public async Task Collector_SIGKILLed_during_100k_spans_without_a_store_then_restarted_has_every_span_exactly_once()
    {
        string collectorDb = _directory.Combine("collector.db");
        string spool = _directory.Combine("app.spool");
        int port = FreePort.Next();
        int outage = OutageSeconds;
        CollectorProcess collector = await CollectorProcess.StartAsync(collectorDb, port, _directory.Path);
        try
        {
            using ChildProcess app = ChildProcess.Start(ChildProcess.BuiltAssembly("TestAppAssembly"), $"produce {Spans} {outage + 20} 0",
                _directory.Path, AppEnvironment(spool, port, mode: "instant"));
            await app.LineAsync(l => l == "produced 10000").WaitAsync(TimeSpan.FromMinutes(3));
            await CollectorProcess.UntilReceivingAsync(collectorDb, app);
            CollectorProcess.Count(collectorDb, "SELECT count(*) FROM span;").ShouldBeGreaterThan(0L, "the collector was receiving before it was killed\n" + app);

            collector.Kill();
            await Task.Delay(TimeSpan.FromSeconds(outage));
            app.HasExited.ShouldBeFalse(app.Output);
            collector.Dispose();
            collector = await CollectorProcess.StartAsync(collectorDb, port, _directory.Path);
            (await app.ExitAsync(TimeSpan.FromMinutes(10))).ShouldBeTrue(app.Output);

            app.Output.ShouldContain("flushed True", customMessage: app.Output);
            app.ExitCode.ShouldBe(0, app.Output);
            TestContext.Out.WriteLine($"outage {outage} s; " + app.Output.Split('\n').Last(l => l.StartsWith("written", StringComparison.Ordinal)));
            CollectorProcess.Count(collectorDb, "SELECT count(*) FROM process_trace;").ShouldBe(Spans, "every span once");
            CollectorProcess.Count(collectorDb, "SELECT count(DISTINCT data_value) FROM data_trace WHERE data = 'number';").ShouldBe(Spans);
            using OutboxSpool left = OutboxSpool.Open(spool + ".outbox", []);
            left.LastNumber.ShouldBe(Spans);
            left.ReadCursor($"http http://127.0.0.1:{port}").ShouldBe(Spans, "the cursor is past every span");
            left.SegmentCount.ShouldBe(1, "acknowledged segments are deleted");
        }
        finally
        {
            collector.Dispose();
        }
    }

    [Test]
    public async Task Application_SIGKILLed_mid_stream_without_a_store_sends_the_rest_of_its_spool_outbox_after_the_restart_none_twice()
    {
        string collectorDb = _directory.Combine("collector.db");
        string spool = _directory.Combine("app.spool");
        int port = FreePort.Next();
        using CollectorProcess collector = await CollectorProcess.StartAsync(collectorDb, port, _directory.Path);
        Dictionary<string, string?> environment = AppEnvironment(spool, port, mode: "deferred");
        environment["TESTAPP_EXPORT_INTERVAL_SECONDS"] = "2";

        using (ChildProcess first = ChildProcess.Start(ChildProcess.BuiltAssembly("TestAppAssembly"), $"produce {Spans} 10 0", _directory.Path, environment))
        {
            DateTime deadline = DateTime.UtcNow.AddMinutes(3);
            while (CollectorProcess.Count(collectorDb, "SELECT count(*) FROM span;") == 0 && !first.HasExited && DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }

            first.HasExited.ShouldBeFalse(first.Output);
            first.Kill();
        }

        // What the dead process left: the spans still in its folder (acknowledged segments are gone, their spans are
        // in the collector) and its cursor.
        HashSet<string> inOutbox;
        long committed;
        long cursor;
        using (OutboxSpool left = OutboxSpool.Open(spool + ".outbox", []))
        {
            var read = new List<(long Number, SpooledSpan Span)>();
            var position = default(ReadPosition);
            left.Read(0, int.MaxValue, read, ref position);
            inOutbox = read.Select(r => Key(r.Span)).ToHashSet(StringComparer.Ordinal);
            committed = left.LastNumber;
            cursor = left.ReadCursor($"http http://127.0.0.1:{port}");
        }

        HashSet<string> atKill = SpanIds(collectorDb);
        TestContext.Out.WriteLine($"at the kill: {committed} spans committed, cursor {cursor}, {inOutbox.Count} in the folder, {atKill.Count} in the collector");
        atKill.Count.ShouldBeGreaterThan(0, "the kill comes mid-stream: the collector already had some");
        cursor.ShouldBeLessThan(committed, "the kill must leave unsent spans in the outbox for this test to mean something");
        inOutbox.Except(atKill).ShouldNotBeEmpty();

        using (ChildProcess second = ChildProcess.Start(ChildProcess.BuiltAssembly("TestAppAssembly"), $"produce 10 0 {Spans}", _directory.Path, environment))
        {
            (await second.ExitAsync(TimeSpan.FromMinutes(5))).ShouldBeTrue(second.Output);
            second.Output.ShouldContain("flushed True", customMessage: second.Output);
        }

        HashSet<string> after = SpanIds(collectorDb);
        CollectorProcess.Count(collectorDb, "SELECT count(*) FROM process_trace;").ShouldBe(after.Count, "no span is stored twice");
        inOutbox.Except(after).Take(5).ShouldBeEmpty("spans committed to the outbox before the kill that never reached the collector");
        after.Count.ShouldBe(atKill.Union(inOutbox).Count() + 10, "the first run's committed spans and the second run's 10, nothing else");
        CollectorProcess.Count(collectorDb, $"SELECT count(*) FROM data_trace WHERE data = 'number' AND CAST(data_value AS INTEGER) >= {Spans};").ShouldBe(10);
        // The first run committed in call order: what reached the collector is every number from 0 up, without a gap.
        CollectorProcess.Count(collectorDb, $"SELECT count(DISTINCT data_value) FROM data_trace WHERE data = 'number' AND CAST(data_value AS INTEGER) < {Spans};")
            .ShouldBe(CollectorProcess.Count(collectorDb, $"SELECT max(CAST(data_value AS INTEGER)) + 1 FROM data_trace WHERE data = 'number' AND CAST(data_value AS INTEGER) < {Spans};"));
    }

    private static Dictionary<string, string?> AppEnvironment(string spool, int port, string mode) => new()
    {
        ["TESTAPP_SPOOL_PATH"] = spool,
        ["INSTRUMENTOR_ENDPOINT"] = $"http://127.0.0.1:{port}",
        ["INSTRUMENTOR_EXPORT_MODE"] = mode,
    };

    private static string Key(SpooledSpan span) => SpanText.Hex(span.TraceHigh) + SpanText.Hex(span.TraceLow) + ":" + SpanText.Hex(span.SpanId);

    private static HashSet<string> SpanIds(string database)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        using var connection = new SqliteConnection($"Data Source={database};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "SELECT trace_id || ':' || span_id FROM process_trace;";
        using SqliteDataReader reader = command.ExecuteReader();
        while (reader.Read())
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }
}
