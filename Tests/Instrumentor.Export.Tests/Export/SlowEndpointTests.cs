using System;
using System.Diagnostics;
using System.Threading.Tasks;
using Instrumentor.Export.Tests.Infrastructure;
using Instrumentor.Testing;

namespace Instrumentor.Export.Tests.Export;

/// <summary>
/// An endpoint that takes 10 s to answer never holds the local commit (store or spool outbox), the caller, or the exit
/// beyond its budget; what it did not acknowledge stays in the outbox.
/// </summary>
[NonParallelizable]
public sealed class SlowEndpointTests
{
    [TestCase(true)]
    [TestCase(false)]
    public async Task A_10_second_endpoint_never_holds_the_local_commit_or_the_exit(bool store)
    {
        using var directory = new TempDirectory("slow-endpoint");
        using var server = new FakeServer((_, _) => new FakeAnswer(200, Delay: TimeSpan.FromSeconds(10)));
        Monitoring.Configure(o =>
        {
            o.DatabasePath = store ? directory.Combine("app.db") : null;
            o.SpoolPath = directory.Combine("app.spool");
            o.AddHttpExporter(e =>
            {
                e.Endpoint = server.BaseAddress;
                e.Mode = ExportMode.Instant;
            });
        });
        var pricing = new Pricing();
        for (int i = 0; i < 100; i++)
        {
            pricing.PriceOrder(i, 1m);
        }

        // Committed locally while the first request still waits for its answer (a hang check, 60 s at most).
        for (int i = 0; i < 3_000 && Monitoring.Stats.Written < 100; i++)
        {
            await Task.Delay(20);
        }

        MonitoringStats stats = Monitoring.Stats;
        stats.Written.ShouldBe(100);
        stats.ExportSent.ShouldBe(0, "the endpoint has not answered yet");

        var clock = Stopwatch.StartNew();
        RecordQueue.Shutdown(TimeSpan.FromSeconds(1), out MonitoringStats final);
        clock.Stop();
        // A hang check, not a performance assert: the budget is 1 s, the endpoint's answer 10 s away.
        clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(6));
        final.ExportSent.ShouldBe(0);
        final.ExportBacklog.ShouldBe(100, "everything unacknowledged stays in the outbox for the next start");
    }
}
