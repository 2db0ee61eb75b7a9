using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Threading.Tasks;
using Instrumentor.Benchmarks.Collector;
using Instrumentor.Benchmarks.Targets;

namespace Instrumentor.Benchmarks.Export;

/// <summary>
/// <c>--export [--latency-spans N] [--spans N]</c> (docs/benchmarks.md, "Streaming export"): a real
/// <c>instrumentor serve</c> on loopback and this process's own pipeline streaming to it.
/// <list type="number">
/// <item>Instant latency: one monitored call at a time (10 ms apart), from the moment the call returned (its span ended)
/// to the moment the span arrived on the collector's <c>/api/live</c> stream (it is committed there and visible to the
/// API), with the SQLite store as outbox and with the spool outbox (<c>DatabasePath = null</c>).</item>
/// <item>Throughput: N spans recorded as fast as one thread can, then <c>FlushAsync</c>, which returns once the collector
/// acknowledged them all: spans/s from the first call to that acknowledgement, for Deferred (store and spool outbox)
/// and Instant, beside the store alone (no exporter) for scale. The collector's store is counted: every span once.</item>
/// </list>
/// </summary>
internal static class ExportRun
{
    internal static async Task<int> ExecuteAsync(string[] args)
    {
        int latencySpans = CollectorLoadRun.Option(args, "--latency-spans", 300);
        int spans = CollectorLoadRun.Option(args, "--spans", 200_000);
        string directory = Path.Combine(Path.GetTempPath(), "instrumentor-export-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        Console.WriteLine($"# Streaming export to a real collector over loopback HTTP");
        Console.WriteLine($"{DateTime.UtcNow:yyyy-MM-ddTHH:mm:ssZ}, {Environment.ProcessorCount} cores, load average {Measure.LoadAverage()}");
        try
        {
            await using CollectorProcess collector = await CollectorProcess.StartAsync(Path.Combine(directory, "collector.db"), "--retention", "0").ConfigureAwait(false);
            Console.WriteLine();
            Console.WriteLine($"## Instant latency: span end → visible in the collector's live API, {latencySpans} spans one at a time, 10 ms apart");
            Console.WriteLine();
            Console.WriteLine("| outbox | p50 ms | p95 ms | p99 ms | max ms | load average |");
            Console.WriteLine("|---|---:|---:|---:|---:|---|");
            long next = 0;
            foreach (bool store in new[] { true, false })
            {
                string name = store ? "SQLite store" : "spool (no store)";
                List<double> latencies = await LatencyAsync(collector, directory, store, latencySpans, next).ConfigureAwait(false);
                next += 1_000_000;
                Console.WriteLine($"| {name} | {Measure.Percentile(latencies, 50):F1} | {Measure.Percentile(latencies, 95):F1} | {Measure.Percentile(latencies, 99):F1} | " +
                    $"{Measure.Percentile(latencies, 100):F1} | {Measure.LoadAverage()} |");
            }

            Console.WriteLine();
            Console.WriteLine($"## Throughput: {spans:N0} spans recorded by one thread, until the collector acknowledged the last");
            Console.WriteLine();
            Console.WriteLine("| run | recording ns/call | spans/s to the collector | seconds | in the collector | load average |");
            Console.WriteLine("|---|---:|---:|---:|---:|---|");
            foreach ((string run, bool store, ExportMode? mode) in new (string, bool, ExportMode?)[]
            {
                ("store only, no exporter", true, null),
                ("Deferred, SQLite store", true, ExportMode.Deferred),
                ("Deferred, spool (no store)", false, ExportMode.Deferred),
                ("Instant, SQLite store", true, ExportMode.Instant),
            })
            {
                string service = "export-bench-" + next.ToString(CultureInfo.InvariantCulture);
                (double nsPerCall, double seconds) = await ThroughputAsync(collector, directory, service, store, mode, spans, next).ConfigureAwait(false);
                next += 1_000_000;
                long inCollector = Count(collector.Database, $"SELECT count(DISTINCT span_id) FROM process_trace WHERE service = '{service}' AND process LIKE '%.Bulk';");
                string rate = mode is null ? $"({spans / seconds:N0} to the local store)" : $"{spans / seconds:N0}";
                Console.WriteLine($"| {run} | {nsPerCall:F0} | {rate} | {seconds:F2} | {(mode is null ? "—" : inCollector.ToString("N0", CultureInfo.InvariantCulture))} | {Measure.LoadAverage()} |");
                if (mode is not null && inCollector != spans)
                {
                    Console.WriteLine($"// ERROR: the collector holds {inCollector} of the {spans} spans of '{run}'");
                    return 1;
                }
            }

            (long rows, long duplicated) = Measure.CountStore(collector.Database);
            Console.WriteLine();
            Console.WriteLine($"collector store: {rows:N0} rows, {duplicated} (trace id, span id) stored twice");
            return duplicated == 0 ? 0 : 1;
        }
        finally
        {
            Monitoring.Shutdown(TimeSpan.FromSeconds(5));
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private static void Configure(CollectorProcess collector, string directory, string service, bool store, ExportMode? mode, int queueCapacity)
    {
        string file = Path.Combine(directory, service);
        Monitoring.Configure(o =>
        {
            o.DatabasePath = store ? file + ".db" : null;
            o.SpoolPath = file + ".spool";
            o.ServiceName = service;
            // The throughput runs record faster than any store takes: a ring that holds them all keeps every span on the
            // normal path (no spill), so what is measured is the store, the exporter and the collector.
            o.QueueCapacity = queueCapacity;
            o.QueueWarningThreshold = queueCapacity;
            if (mode is { } exportMode)
            {
                o.AddHttpExporter(e =>
                {
                    e.Endpoint = collector.BaseAddress;
                    e.Mode = exportMode;
                });
            }
        });
    }

    private static async Task<List<double>> LatencyAsync(CollectorProcess collector, string directory, bool store, int count, long first)
    {
        string service = "export-latency-" + first.ToString(CultureInfo.InvariantCulture);
        Configure(collector, directory, service, store, ExportMode.Instant, MonitoringOptions.DefaultQueueCapacity);
        var latencies = new List<double>(count);
        try
        {
            await using LiveSpans live = await LiveSpans.StartAsync(collector.BaseAddress, typeof(ExportProbe).FullName + "." + nameof(ExportProbe.Latency)).ConfigureAwait(false);
            const int warmUp = 20;
            for (int i = 0; i < warmUp + count; i++)
            {
                long n = first + i;
                Task<long> arrival = live.ArrivalAsync(n);
                ExportProbe.Latency(n);
                long ended = Stopwatch.GetTimestamp();
                long arrived = await arrival.WaitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
                if (i >= warmUp)
                {
                    latencies.Add(Stopwatch.GetElapsedTime(ended, Math.Max(ended, arrived)).TotalMilliseconds);
                }

                await Task.Delay(10).ConfigureAwait(false);
            }
        }
        finally
        {
            Monitoring.Shutdown(TimeSpan.FromSeconds(5));
        }

        return latencies;
    }

    private static async Task<(double NsPerCall, double Seconds)> ThroughputAsync(CollectorProcess collector, string directory, string service, bool store,
        ExportMode? mode, int spans, long first)
    {
        Configure(collector, directory, service, store, mode, Math.Max(MonitoringOptions.DefaultQueueCapacity, spans));
        try
        {
            // Start the pipeline (and open the store) before the clock runs.
            ExportProbe.Latency(-1);
            if (!await Monitoring.FlushAsync(TimeSpan.FromSeconds(60)).ConfigureAwait(false))
            {
                throw new InvalidOperationException("the warm-up span was not acknowledged");
            }

            long began = Stopwatch.GetTimestamp();
            for (int i = 0; i < spans; i++)
            {
                ExportProbe.Bulk(first + i);
            }

            double nsPerCall = Stopwatch.GetElapsedTime(began).TotalNanoseconds / spans;
            if (!await Monitoring.FlushAsync(TimeSpan.FromMinutes(10)).ConfigureAwait(false))
            {
                throw new InvalidOperationException($"'{service}': not everything was acknowledged within 10 minutes: {Monitoring.Stats.ExportBacklog} waiting");
            }

            return (nsPerCall, Stopwatch.GetElapsedTime(began).TotalSeconds);
        }
        finally
        {
            Monitoring.Shutdown(TimeSpan.FromSeconds(5));
        }
    }

    private static long Count(string database, string sql)
    {
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={database};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using Microsoft.Data.Sqlite.SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }
}
