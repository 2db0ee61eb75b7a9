using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Threading;
using Instrumentor.Benchmarks.Targets;
using Microsoft.Data.Sqlite;

namespace Instrumentor.Benchmarks.Throughput;

/// <summary>
/// The sustained form of DESIGN.md §9's throughput budget: a producer paced at a fixed rate of monitored calls for
/// several seconds, into SQLite, with the <em>default</em> options (queue, overflow, spool). The rate is sustained
/// when the writer keeps up: the queue depth stays bounded, nothing spills to disk, nothing is dropped, and every
/// call is a row once the producer stops.
/// </summary>
/// <remarks>
/// Pacing sleeps between slices of 1 ms worth of calls, so the producer leaves the other core to the writer as an
/// application doing real work between its monitored calls would; a spinning producer would measure the 2 cores'
/// contention instead of the pipeline.
/// </remarks>
internal static class SustainedRun
{
    internal static bool Execute(int ratePerSecond, double seconds)
    {
        string directory = Path.Combine(Path.GetTempPath(), "instrumentor-sustained-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        string path = Path.Combine(directory, "traces.db");
        try
        {
            Monitoring.Configure(o =>
            {
                o.DatabasePath = path;
                o.ServiceName = "sustained";
            });
            RecordQueue.EnsureStarted().Ready.Wait(); // the start runs on its own thread: wait for it, it is not throughput

            long total = (long)(ratePerSecond * seconds);
            long produced = 0;
            long maxDepth = 0;
            int sum = 0;
            long t0 = Stopwatch.GetTimestamp();
            long nextDepthSample = t0;
            while (produced < total)
            {
                // Calls due by now at the target rate; produce them, then sleep until more are due.
                double elapsed = Stopwatch.GetElapsedTime(t0).TotalSeconds;
                long due = Math.Min(total, (long)(elapsed * ratePerSecond));
                for (; produced < due; produced++)
                {
                    sum += ThroughputTarget.Multiply((int)produced, 3);
                }

                long now = Stopwatch.GetTimestamp();
                if (now >= nextDepthSample)
                {
                    maxDepth = Math.Max(maxDepth, Monitoring.Stats.QueueDepth);
                    nextDepthSample = now + Stopwatch.Frequency / 100;
                }

                Thread.Sleep(1);
            }

            double produceSeconds = Stopwatch.GetElapsedTime(t0).TotalSeconds;
            bool flushed = Monitoring.FlushAsync(TimeSpan.FromMinutes(5)).GetAwaiter().GetResult();
            double untilFlushed = Stopwatch.GetElapsedTime(t0).TotalSeconds;
            MonitoringStats stats = Monitoring.Stats;
            Monitoring.Shutdown(TimeSpan.FromSeconds(30));
            long rows = ThroughputRun.CountRows(path);
            GC.KeepAlive(sum);

            bool kept = flushed && stats.Dropped == 0 && stats.Spilled == 0 && rows == total;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {ratePerSecond:N0} | {produceSeconds:F2} | {total / produceSeconds:N0} | {untilFlushed - produceSeconds:F3} | {stats.Written / untilFlushed:N0} | {maxDepth:N0} | {stats.Overflowed:N0} | {stats.Spilled:N0} | {stats.Dropped:N0} | {rows:N0} | {(kept ? "yes" : "NO")} |"));
            return kept;
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    internal static void PrintHeader()
    {
        Console.WriteLine("| target calls/s | produce time (s) | produced calls/s | flush after the producer stopped (s) | persisted spans/s | max queue depth | overflowed | spilled | dropped | rows | kept up |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
    }
}
