using System;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Instrumentor.Export.Tests.Infrastructure;
using Instrumentor.Testing;

namespace Instrumentor.Export.Tests.Export;

/// <summary>
/// Streaming without a SQLite store (<c>DatabasePath = null</c>): the spool folder is the outbox. Monitored calls reach
/// the real collector, a dead endpoint at exit leaves them in the folder, and the next start sends them, once.
/// </summary>
[NonParallelizable]
public sealed class SpoolOutboxExportTests
{
    [Test]
    public async Task Without_a_store_monitored_calls_reach_the_collector_through_the_spool_outbox()
    {
        using var directory = new TempDirectory("spool-e2e");
        string spool = directory.Combine("app.spool");
        await using RunningCollector collector = await RunningCollector.StartAsync(directory.Combine("collector.db"));
        Monitoring.Configure(o =>
        {
            o.DatabasePath = null;
            o.SpoolPath = spool;
            o.ServiceName = "pricing-app";
            o.AddHttpExporter(e =>
            {
                e.Endpoint = collector.BaseAddress;
                e.Mode = ExportMode.Instant;
            });
        });
        try
        {
            var pricing = new Pricing();
            for (int i = 0; i < 50; i++)
            {
                pricing.PriceOrder(i, 2.5m);
            }

            using (Monitoring.BeginSystem("tenant-a", "id-a", "inst-a"))
            {
                pricing.PriceOrder(1000, 1m);
            }

            (await Monitoring.FlushAsync(TimeSpan.FromSeconds(60))).ShouldBeTrue();

            collector.Count("SELECT count(*) FROM process_trace WHERE process LIKE '%Pricing.PriceOrder' AND service = 'pricing-app';").ShouldBe(50);
            collector.Count("SELECT count(*) FROM data_trace WHERE data = 'quantity' AND data_type = 'INPUT';").ShouldBe(51);
            collector.Count("SELECT count(*) FROM data_trace WHERE data = 'result' AND data_type = 'OUTPUT' AND data_value = '2.5';").ShouldBe(1);
            collector.Count("SELECT count(*) FROM process_trace WHERE service = 'tenant-a' AND system_instance_id = 'inst-a';").ShouldBe(1);
            collector.Count("SELECT count(*) FROM instances;").ShouldBe(2);
            MonitoringStats stats = Monitoring.Stats;
            stats.Written.ShouldBe(51);
            stats.ExportSent.ShouldBe(51);
            stats.ExportBacklog.ShouldBe(0);
            Directory.Exists(spool + ".outbox").ShouldBeTrue();
        }
        finally
        {
            Monitoring.Shutdown(TimeSpan.FromSeconds(3)).ShouldBeTrue();
        }
    }

    [Test]
    public async Task A_dead_endpoint_at_exit_leaves_the_spans_in_the_spool_outbox_and_the_next_start_sends_each_once()
    {
        using var directory = new TempDirectory("spool-exit");
        string spool = directory.Combine("app.spool");
        int port = FreePort.Next();
        void Configure() => Monitoring.Configure(o =>
        {
            o.DatabasePath = null;
            o.SpoolPath = spool;
            o.AddHttpExporter(e =>
            {
                e.Endpoint = new Uri($"http://127.0.0.1:{port}");
                e.Mode = ExportMode.Deferred;
                e.RetryBackoff = TimeSpan.FromMilliseconds(50);
                e.MaxBackoff = TimeSpan.FromMilliseconds(100);
            });
        });

        Configure();
        var pricing = new Pricing();
        for (int i = 0; i < 20; i++)
        {
            pricing.PriceOrder(i, 1m);
        }

        var clock = System.Diagnostics.Stopwatch.StartNew();
        TextWriter stderr = Console.Error;
        var captured = new StringWriter();
        Console.SetError(captured);
        MonitoringStats final;
        try
        {
            RecordQueue.Shutdown(TimeSpan.FromSeconds(1), out final);
        }
        finally
        {
            Console.SetError(stderr);
        }

        clock.Stop();
        // One line says what is left and where (the exporter's failures before it said their own once).
        captured.ToString().Split('\n').Count(l => l.Contains("were not acknowledged", StringComparison.Ordinal)).ShouldBe(1, captured.ToString());
        captured.ToString().ShouldContain($"20 spans were not acknowledged by http://127.0.0.1:{port}/");
        captured.ToString().ShouldContain("sent at the next start");
        // A hang check, not a performance assert: the budget is 1 s.
        clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(6));
        final.Written.ShouldBe(20, "committed to the outbox although the endpoint is dead");
        final.ExportSent.ShouldBe(0);
        using (OutboxSpool left = OutboxSpool.Open(spool + ".outbox", []))
        {
            left.CountAfter(0).ShouldBe(20, "the spans wait in the folder");
        }

        // The next start (same folder, same exporter) delivers them once the collector is there.
        await using RunningCollector collector = await RunningCollector.StartAsync(directory.Combine("collector.db"), port);
        Configure();
        try
        {
            pricing.PriceOrder(99, 1m);
            (await Monitoring.FlushAsync(TimeSpan.FromSeconds(60))).ShouldBeTrue();
            collector.Count().ShouldBe(21);
            collector.Count("SELECT count(DISTINCT span_id) FROM process_trace;").ShouldBe(21);
            collector.Count("SELECT count(DISTINCT data_value) FROM data_trace WHERE data = 'quantity';").ShouldBe(21);
            Monitoring.Stats.ExportSent.ShouldBe(21);
        }
        finally
        {
            Monitoring.Shutdown(TimeSpan.FromSeconds(3));
        }
    }
}
