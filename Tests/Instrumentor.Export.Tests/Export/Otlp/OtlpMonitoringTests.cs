using System;
using System.Threading.Tasks;
using Instrumentor.Export.Tests.Infrastructure;
using Instrumentor.Testing;

namespace Instrumentor.Export.Tests.Export.Otlp;

/// <summary>Monitored calls → the local store → <c>AddOtlpExporter</c> → the collector's OTLP receiver, through the public API.</summary>
[NonParallelizable]
public sealed class OtlpMonitoringTests
{
    [Test]
    public async Task Monitored_calls_reach_an_OTLP_endpoint_and_FlushAsync_waits_for_its_acknowledgement()
    {
        using var directory = new TempDirectory("otlp-e2e");
        await using RunningCollector collector = await RunningCollector.StartAsync(directory.Combine("collector.db"));
        Monitoring.Configure(o =>
        {
            o.DatabasePath = directory.Combine("app.db");
            o.ServiceName = "pricing-app";
            o.AddOtlpExporter(e => e.Endpoint = collector.BaseAddress);
        });
        try
        {
            var pricing = new Pricing();
            for (int i = 0; i < 20; i++)
            {
                pricing.PriceOrder(i, 2.5m).ShouldBe(i * 2.5m);
            }

            (await Monitoring.FlushAsync(TimeSpan.FromSeconds(60))).ShouldBeTrue();

            collector.Count("SELECT count(*) FROM process_trace WHERE process LIKE '%Pricing.PriceOrder' AND process_group = 'pricing' AND service = 'pricing-app';").ShouldBe(20);
            collector.Count("SELECT count(*) FROM data_trace WHERE data = 'quantity' AND data_type = 'INPUT';").ShouldBe(20);
            collector.Count("SELECT count(*) FROM data_trace WHERE data = 'result' AND data_type = 'OUTPUT';").ShouldBe(20);
            collector.Count("SELECT count(*) FROM instances;").ShouldBe(1);
            Monitoring.Stats.ExportSent.ShouldBe(20);
            Monitoring.Stats.ExportBacklog.ShouldBe(0);
        }
        finally
        {
            Monitoring.Shutdown(TimeSpan.FromSeconds(3)).ShouldBeTrue();
        }
    }
}
