using System;
using System.Linq;
using System.Threading.Tasks;
using Instrumentor.Export.Tests.Infrastructure;
using Instrumentor.Testing;

namespace Instrumentor.Export.Tests.Export;

/// <summary>Monitored calls → the local store → the exporter → the real collector, through the public API.</summary>
[NonParallelizable]
public sealed class MonitoringExportTests
{
    [Test]
    public async Task Monitored_calls_reach_the_collector_and_FlushAsync_waits_for_the_acknowledgement()
    {
        using var directory = new TempDirectory("e2e");
        await using RunningCollector collector = await RunningCollector.StartAsync(directory.Combine("collector.db"));
        Monitoring.Configure(o =>
        {
            o.DatabasePath = directory.Combine("app.db");
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
                pricing.PriceOrder(i, 2.5m).ShouldBe(i * 2.5m);
            }

            (await Monitoring.FlushAsync(TimeSpan.FromSeconds(60))).ShouldBeTrue();

            collector.Count("SELECT count(*) FROM process_trace WHERE process LIKE '%Pricing.PriceOrder' AND service = 'pricing-app';").ShouldBe(50);
            collector.Count("SELECT count(*) FROM data_trace WHERE data = 'quantity' AND data_type = 'INPUT';").ShouldBe(50);
            collector.Count("SELECT count(*) FROM instances;").ShouldBe(1);
            MonitoringStats stats = Monitoring.Stats;
            stats.ExportSent.ShouldBe(50);
            stats.ExportBacklog.ShouldBe(0);
            stats.ExportRejected.ShouldBe(0);
        }
        finally
        {
            Monitoring.Shutdown(TimeSpan.FromSeconds(3)).ShouldBeTrue();
        }
    }

    [Test]
    public async Task Exit_with_a_dead_endpoint_stays_within_the_budget_and_keeps_the_spans_for_the_next_start()
    {
        using var directory = new TempDirectory("exit");
        int port = FreePort.Next();
        string store = directory.Combine("app.db");
        void Configure() => Monitoring.Configure(o =>
        {
            o.DatabasePath = store;
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
        Monitoring.Shutdown(TimeSpan.FromSeconds(1));
        clock.Stop();
        // A hang check, not a performance assert: the budget is 1 s.
        clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(6));
        new AppStore(store).Cursor("http " + $"http://127.0.0.1:{port}").ShouldBe(0);

        // The next start (same store, same exporter) delivers them once the collector is there.
        await using RunningCollector collector = await RunningCollector.StartAsync(directory.Combine("collector.db"), port);
        Configure();
        try
        {
            pricing.PriceOrder(99, 1m);
            (await Monitoring.FlushAsync(TimeSpan.FromSeconds(60))).ShouldBeTrue();
            collector.Count().ShouldBe(21);
            collector.Count("SELECT count(DISTINCT span_id) FROM process_trace;").ShouldBe(21);
        }
        finally
        {
            Monitoring.Shutdown(TimeSpan.FromSeconds(3));
        }
    }
}

public sealed class Pricing
{
    [Monitor(ProcessGroup = "pricing")]
    public decimal PriceOrder(int quantity, decimal unitPrice) => quantity * unitPrice;
}
