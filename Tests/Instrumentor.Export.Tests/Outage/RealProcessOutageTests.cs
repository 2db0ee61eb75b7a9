using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using Instrumentor.Export.Tests.Infrastructure;
using Instrumentor.Testing;
using Microsoft.Data.Sqlite;

namespace Instrumentor.Export.Tests.Outage;

/// <summary>
/// The outbox against real failures of real processes: the traced application (Instrumentor.Export.TestApp) and
/// <c>instrumentor serve</c> run as programs of their own on 127.0.0.1, and one of them is SIGKILLed mid-stream.
/// The collector's outage lasts <c>INSTRUMENTOR_TEST_OUTAGE_SECONDS</c> (default 10 s, so the suite stays quick;
/// run once with 60 for the full scenario, docs/export.md).
/// </summary>
[NonParallelizable]
[Category("Process")]
public sealed class RealProcessOutageTests
{
    private const int Spans = 100_000;
    private TempDirectory _directory = null!;

    [SetUp]
    public void SetUp() => _directory = new TempDirectory("export-outage");

    [TearDown]
    public void TearDown() => _directory.Dispose();

    private static int OutageSeconds =>
        int.TryParse(System.Environment.GetEnvironmentVariable("INSTRUMENTOR_TEST_OUTAGE_SECONDS"), NumberStyles.Integer, CultureInfo.InvariantCulture, out int s) ? s : 10;

    [Test]
    public async Task Collector_SIGKILLed_for_an_outage_during_100k_spans_then_restarted_has_every_span_exactly_once()
    {
        string collectorDb = _directory.Combine("collector.db");
        string appDb = _directory.Combine("app.db");
        int port = FreePort.Next();
        int outage = OutageSeconds;
        CollectorProcess collector = await CollectorProcess.StartAsync(collectorDb, port, _directory.Path);
        try
        {
            // The spans are made at a steady pace over the outage and 20 s more: some before, many during, some after.
            using ChildProcess app = ChildProcess.Start(ChildProcess.BuiltAssembly("TestAppAssembly"), $"produce {Spans} {outage + 20} 0",
                _directory.Path, AppEnvironment(appDb, port, mode: "instant"));
            await app.LineAsync(l => l == "produced 10000").WaitAsync(TimeSpan.FromMinutes(3));
            // On a loaded machine the first commits and sends may lag the producer: the kill must come once some arrived.
            await CollectorProcess.UntilReceivingAsync(collectorDb, app);
            long beforeKill = Count(collectorDb, "SELECT count(*) FROM span;");
            beforeKill.ShouldBeGreaterThan(0L, "the collector was receiving before it was killed\n" + app);

            collector.Kill();
            int producedAtKill = LastProduced(app);
            await Task.Delay(TimeSpan.FromSeconds(outage));
            app.HasExited.ShouldBeFalse(app.Output);
            LastProduced(app).ShouldBeGreaterThan(producedAtKill, "the application went on making spans while the collector was down");

            collector.Dispose();
            collector = await CollectorProcess.StartAsync(collectorDb, port, _directory.Path);
            (await app.ExitAsync(TimeSpan.FromMinutes(10))).ShouldBeTrue(app.Output);

            app.Output.ShouldContain("flushed True", customMessage: app.Output);
            app.ExitCode.ShouldBe(0, app.Output);
            TestContext.Out.WriteLine($"outage {outage} s; collector had {beforeKill} spans at the kill, the app had made {producedAtKill}");
            TestContext.Out.WriteLine(app.Output.Split('\n').Last(l => l.StartsWith("written", StringComparison.Ordinal)));
            SpanIds(appDb).Count.ShouldBe(Spans);
            ShouldHoldExactlyOnce(collectorDb, SpanIds(appDb));
            Count(collectorDb, "SELECT count(DISTINCT data_value) FROM data_trace WHERE data = 'number';").ShouldBe(Spans);
        }
        finally
        {
            collector.Dispose();
        }
    }

    [Test]
    public async Task Application_SIGKILLed_mid_stream_sends_the_rest_of_its_outbox_after_the_restart_none_twice()
    {
        string collectorDb = _directory.Combine("collector.db");
        string appDb = _directory.Combine("app.db");
        int port = FreePort.Next();
        using CollectorProcess collector = await CollectorProcess.StartAsync(collectorDb, port, _directory.Path);
        Dictionary<string, string?> environment = AppEnvironment(appDb, port, mode: "deferred");
        // Deferred batches of 10,000 (or 2 s rounds): when the kill comes, some are in the collector and the outbox holds
        // committed spans it has not got yet.
        environment["TESTAPP_EXPORT_INTERVAL_SECONDS"] = "2";

        using (ChildProcess first = ChildProcess.Start(ChildProcess.BuiltAssembly("TestAppAssembly"), $"produce {Spans} 10 0", _directory.Path, environment))
        {
            // Mid-stream: as soon as the collector has the first batch, while the application still makes spans.
            DateTime deadline = DateTime.UtcNow.AddMinutes(3);
            while (Count(collectorDb, "SELECT count(*) FROM span;") == 0 && !first.HasExited && DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }

            first.HasExited.ShouldBeFalse(first.Output);
            first.Kill();
        }

        long committed = SpanIds(appDb).Count;
        long received = Count(collectorDb, "SELECT count(*) FROM span;");
        TestContext.Out.WriteLine($"at the kill: {committed} spans committed by the application, {received} in the collector");
        received.ShouldBeGreaterThan(0L, "the kill comes mid-stream: the collector already had some");
        received.ShouldBeLessThan(committed, "the kill must leave unsent spans in the outbox for this test to mean something");

        using (ChildProcess second = ChildProcess.Start(ChildProcess.BuiltAssembly("TestAppAssembly"), $"produce 10 0 {Spans}", _directory.Path, environment))
        {
            (await second.ExitAsync(TimeSpan.FromMinutes(5))).ShouldBeTrue(second.Output);
            second.Output.ShouldContain("flushed True", customMessage: second.Output);
        }

        HashSet<string> app = SpanIds(appDb);
        app.Count.ShouldBeGreaterThanOrEqualTo((int)committed + 10);
        ShouldHoldExactlyOnce(collectorDb, app);
    }

    private static Dictionary<string, string?> AppEnvironment(string appDb, int port, string mode) => new()
    {
        ["INSTRUMENTOR_DB"] = appDb,
        ["INSTRUMENTOR_ENDPOINT"] = $"http://127.0.0.1:{port}",
        ["INSTRUMENTOR_EXPORT_MODE"] = mode,
    };

    private static int LastProduced(ChildProcess app) =>
        Regex.Matches(app.Output, @"^produced (\d+)", RegexOptions.Multiline).Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).DefaultIfEmpty(0).Max();

    /// <summary>The collector holds exactly the application's spans: each one, once, and nothing else.</summary>
    private static void ShouldHoldExactlyOnce(string collectorDb, HashSet<string> expected)
    {
        Count(collectorDb, "SELECT count(*) FROM process_trace;").ShouldBe(expected.Count, "no span is stored twice and none is missing");
        HashSet<string> stored = SpanIds(collectorDb);
        stored.Count.ShouldBe(expected.Count);
        expected.Except(stored).Take(5).ShouldBeEmpty("spans the application committed but the collector lacks");
        stored.Except(expected).Take(5).ShouldBeEmpty("spans the collector has that the application never made");
    }

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

    private static long Count(string database, string sql) => CollectorProcess.Count(database, sql);
}
