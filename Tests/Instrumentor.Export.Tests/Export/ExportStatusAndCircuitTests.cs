using System;
using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using Instrumentor.Export.Tests.Infrastructure;
using Instrumentor.Testing;

namespace Instrumentor.Export.Tests.Export;

/// <summary>
/// The statuses not covered elsewhere (408 retried, 413 bisected like 400), the circuit breaker opening and its
/// half-open probe closing it, and the export instruments on Meter "Instrumentor".
/// </summary>
[NonParallelizable]
public sealed class ExportStatusAndCircuitTests
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(60);
    private TempDirectory _directory = null!;

    [SetUp]
    public void SetUp() => _directory = new TempDirectory("export-status");

    [TearDown]
    public void TearDown() => _directory.Dispose();

    [TestCase(HttpStatusCode.RequestTimeout, true)]
    [TestCase(HttpStatusCode.TooManyRequests, true)]
    [TestCase(HttpStatusCode.InternalServerError, true)]
    [TestCase(HttpStatusCode.BadGateway, true)]
    [TestCase(HttpStatusCode.ServiceUnavailable, true)]
    [TestCase(HttpStatusCode.BadRequest, false)]
    [TestCase(HttpStatusCode.Unauthorized, false)]
    [TestCase(HttpStatusCode.Forbidden, false)]
    [TestCase(HttpStatusCode.NotFound, false)]
    [TestCase(HttpStatusCode.RequestEntityTooLarge, false)]
    public void Only_what_may_succeed_later_is_retried(HttpStatusCode status, bool retried) =>
        ExportResilience.IsTransient(status).ShouldBe(retried);

    [Test]
    public async Task A_408_is_retried_with_the_same_batch_id()
    {
        var store = new AppStore(_directory.Combine("app.db"));
        using var server = new FakeServer((_, n) => n == 0 ? new FakeAnswer(408) : FakeAnswer.Ok);
        store.Add(10);
        using HttpExporter exporter = Exporters.Start(store, server.BaseAddress);

        (await exporter.FlushAsync().WaitAsync(s_wait)).ShouldBeTrue();

        server.Requests.Count.ShouldBe(2);
        server.Requests.Select(r => r.BatchId).Distinct().Count().ShouldBe(1);
        exporter.Counters.Retried.ShouldBe(1);
        exporter.Counters.Sent.ShouldBe(10);
    }

    [Test]
    public async Task A_413_batch_is_bisected_like_a_400_and_only_the_span_at_fault_is_set_aside()
    {
        var store = new AppStore(_directory.Combine("app.db"));
        string bad = store.Add(9)[4];
        using var server = new FakeServer((r, _) => r.Body.Contains(bad, StringComparison.Ordinal) ? new FakeAnswer(413) : FakeAnswer.Ok);
        using HttpExporter exporter = Exporters.Start(store, server.BaseAddress);

        (await exporter.FlushAsync().WaitAsync(s_wait)).ShouldBeTrue();

        exporter.Counters.Rejected.ShouldBe(1);
        exporter.Counters.Sent.ShouldBe(8);
        store.Cursor("test").ShouldBe(9);
        System.IO.File.ReadAllLines(store.Path + ".export-rejected").Single().ShouldContain("413");
    }

    [Test]
    public async Task Failing_attempts_open_the_circuit_and_after_the_break_a_half_open_probe_closes_it()
    {
        var store = new AppStore(_directory.Combine("app.db"));
        int failing = 1;
        using var server = new FakeServer((_, _) => Volatile.Read(ref failing) == 1 ? new FakeAnswer(503) : FakeAnswer.Ok);
        store.Add(10);
        // 5 attempts within 30 s that all failed open the circuit (1 try + 3 retries a round, then the next round's).
        using HttpExporter exporter = Exporters.Start(store, server.BaseAddress, o => o.CircuitBreakDuration = TimeSpan.FromSeconds(2));
        Task<bool> flush = exporter.FlushAsync();

        for (int i = 0; i < 500 && exporter.Counters.CircuitState != 1; i++)
        {
            await Task.Delay(20);
        }

        exporter.Counters.CircuitState.ShouldBe(1, "open");
        int atOpening = server.Requests.Count;
        atOpening.ShouldBeGreaterThanOrEqualTo(5);
        exporter.Counters.Failed.ShouldBeGreaterThan(0);
        exporter.Counters.Retried.ShouldBeGreaterThan(0);
        exporter.Counters.Backlog.ShouldBe(10);
        flush.IsCompleted.ShouldBeFalse("nothing is acknowledged while the collector fails");

        // The collector recovers during the break: nothing is tried until it ends, then one probe goes through.
        Volatile.Write(ref failing, 0);
        (await flush.WaitAsync(s_wait)).ShouldBeTrue();
        exporter.Counters.CircuitState.ShouldBe(0, "closed again after the successful probe");
        server.Requests.Count.ShouldBe(atOpening + 1, "the half-open state lets one probe through, and it succeeded");
        exporter.Counters.Sent.ShouldBe(10);
    }

    [Test]
    public async Task The_export_instruments_of_meter_Instrumentor_report_sent_backlog_circuit_and_latency()
    {
        await using RunningCollector collector = await RunningCollector.StartAsync(_directory.Combine("collector.db"));
        var longs = new ConcurrentDictionary<string, long>();
        int latencies = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "Instrumentor" && instrument.Name.StartsWith("instrumentor.export.", StringComparison.Ordinal))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            if (tags.ToArray().Any(t => t.Key == "exporter" && (string?)t.Value == "metrics"))
            {
                longs[instrument.Name] = value;
            }
        });
        listener.SetMeasurementEventCallback<double>((instrument, _, tags, _) =>
        {
            if (instrument.Name == "instrumentor.export.latency" && tags.ToArray().Any(t => t.Key == "exporter" && (string?)t.Value == "metrics"))
            {
                Interlocked.Increment(ref latencies);
            }
        });
        listener.Start();
        Monitoring.Configure(o =>
        {
            o.DatabasePath = _directory.Combine("app.db");
            o.AddHttpExporter(e =>
            {
                e.Endpoint = collector.BaseAddress;
                e.Name = "metrics";
            });
        });
        try
        {
            var pricing = new Pricing();
            for (int i = 0; i < 12; i++)
            {
                pricing.PriceOrder(i, 1m);
            }

            (await Monitoring.FlushAsync(s_wait)).ShouldBeTrue();
            listener.RecordObservableInstruments();

            longs["instrumentor.export.sent"].ShouldBe(12);
            longs["instrumentor.export.failed"].ShouldBe(0);
            longs["instrumentor.export.rejected"].ShouldBe(0);
            longs["instrumentor.export.backlog"].ShouldBe(0);
            longs["instrumentor.export.circuit"].ShouldBe(0);
            latencies.ShouldBeGreaterThan(0, "one latency per acknowledged request");
            Monitoring.Stats.ExportCircuitOpen.ShouldBeFalse();
        }
        finally
        {
            Monitoring.Shutdown(TimeSpan.FromSeconds(3));
        }
    }
}
