using System;
using System.Diagnostics;
using System.Globalization;
using System.Threading;
using System.Threading.Tasks;
using Instrumentor;

namespace Instrumentor.Export.TestApp;

/// <summary>
/// <c>produce COUNT SECONDS FIRST</c>: records COUNT spans of <see cref="Orders.Place"/> (arguments FIRST, FIRST+1, ...)
/// at a steady pace over SECONDS, printing <c>produced N</c> every 1,000; then waits (10 minutes at most) until the store
/// committed them and the collector acknowledged them, prints <c>flushed True|False</c> and the export counters, exits.
/// The store and the exporter come from the environment alone (INSTRUMENTOR_DB, INSTRUMENTOR_ENDPOINT,
/// INSTRUMENTOR_EXPORT_MODE), as in a deployed application; TESTAPP_EXPORT_INTERVAL_SECONDS switches to Deferred
/// rounds of that length (and batches of 10,000); TESTAPP_SPOOL_PATH runs without a store, the spool folder beside
/// that path being the outbox.
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (args.Length != 4 || args[0] != "produce")
        {
            Console.Error.WriteLine("usage: produce COUNT SECONDS FIRST");
            return 2;
        }

        int count = int.Parse(args[1], CultureInfo.InvariantCulture);
        double seconds = double.Parse(args[2], CultureInfo.InvariantCulture);
        int first = int.Parse(args[3], CultureInfo.InvariantCulture);
        string? interval = Environment.GetEnvironmentVariable("TESTAPP_EXPORT_INTERVAL_SECONDS");
        string? spool = Environment.GetEnvironmentVariable("TESTAPP_SPOOL_PATH");
        if (!string.IsNullOrEmpty(interval) || !string.IsNullOrEmpty(spool))
        {
            Monitoring.Configure(o =>
            {
                if (!string.IsNullOrEmpty(spool))
                {
                    // No SQLite store: the spool folder beside this path is the outbox.
                    o.DatabasePath = null;
                    o.SpoolPath = spool;
                }

                if (!string.IsNullOrEmpty(interval))
                {
                    // Deferred with long rounds (the kill test needs unsent spans in the outbox when it kills the process).
                    o.AddHttpExporter(e =>
                    {
                        e.Endpoint = new Uri(Environment.GetEnvironmentVariable("INSTRUMENTOR_ENDPOINT")!);
                        e.Mode = ExportMode.Deferred;
                        e.BatchSize = 10_000;
                        e.Interval = TimeSpan.FromSeconds(double.Parse(interval, CultureInfo.InvariantCulture));
                    });
                }
            });
        }

        var clock = Stopwatch.StartNew();
        for (int i = 0; i < count; i++)
        {
            Orders.Place(first + i);
            if ((i + 1) % 1_000 == 0)
            {
                Console.WriteLine($"produced {i + 1}");
                // Keep the pace: span i is due at i/count of the run.
                double due = seconds * (i + 1) / count;
                double ahead = due - clock.Elapsed.TotalSeconds;
                if (ahead > 0)
                {
                    Thread.Sleep(TimeSpan.FromSeconds(ahead));
                }
            }
        }

        bool flushed = await Monitoring.FlushAsync(TimeSpan.FromMinutes(10));
        MonitoringStats stats = Monitoring.Stats;
        Console.WriteLine($"flushed {flushed}");
        Console.WriteLine($"written {stats.Written} sent {stats.ExportSent} failed {stats.ExportFailed} retried {stats.ExportRetried} backlog {stats.ExportBacklog}");
        return flushed ? 0 : 1;
    }
}

/// <summary>The traced work: one span per call, its argument the span's number.</summary>
public static class Orders
{
    [Monitor(ProcessGroup = "orders")]
    public static int Place(int number) => number;
}
