using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Threading;
using Instrumentor.Benchmarks.Targets;
using Microsoft.Data.Sqlite;

namespace Instrumentor.Benchmarks.Throughput;

/// <summary>
/// <c>--throughput [calls] [bursts]</c>: end-to-end persisted throughput (DESIGN.md §9: at least 200,000 spans/s into SQLite
/// on 2 cores, zero loss). Not a BDN benchmark: one run is a whole pipeline lifetime.
/// </summary>
/// <remarks>
/// For 1 and 2 producer threads, <c>calls</c> (default 1,000,000) monitored calls are made into a fresh temp SQLite
/// file; the clock stops when <c>Monitoring.FlushAsync</c> reports everything committed. Reported: produce time,
/// persisted spans/s (calls / time until flushed), the records still queued when the producers ended and the rate
/// at which the writer alone (no producer competing for the 2 cores) committed them, the counters (dropped must
/// be 0) and the rows in the file.
/// Each configuration runs twice: with the queue sized to hold the whole burst (the writer's own rate), and with the
/// default QueueCapacity (10,000), where the burst overflows to the spool file and is replayed from it. Then
/// <see cref="SustainedRun"/> paces a producer at fixed rates with the default options.
/// </remarks>
internal static class ThroughputRun
{
    internal static int Execute(string[] args)
    {
        int calls = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1_000_000;
        // "bursts": only the burst table, for quick before/after pairs on a busy machine.
        bool burstsOnly = args.Length > 1 && args[1] == "bursts";
        Console.WriteLine($"Instrumentor end-to-end throughput: {calls:N0} monitored calls (2 int args + int result) -> SQLite (WAL), {Environment.ProcessorCount} cores, .NET {Environment.Version}, load average {(File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "n/a")}");
        Console.WriteLine();
        Console.WriteLine("| producer threads | QueueCapacity | produce time (s) | until flushed (s) | persisted spans/s | queued when producers ended | writer alone spans/s | written | dropped | rows in file | file MB |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");

        // A warm-up run so JIT and SQLite first-open costs are not in the first row. It must outlast tiered
        // compilation's 100 ms call-counting delay: before that, the wrapper, the span and the queue run as
        // unoptimized tier-0 code at ~1 µs a call (10× their optimized cost), which a 50,000-call warm-up never left.
        Run(threads: 1, Math.Min(calls, 500_000), queueCapacity: calls, print: false);

        bool lossless = true;
        foreach (int threads in new[] { 1, 2 })
        {
            lossless &= Run(threads, calls, queueCapacity: calls, print: true);
        }

        foreach (int threads in new[] { 1, 2 })
        {
            Run(threads, calls, queueCapacity: MonitoringOptions.DefaultQueueCapacity, print: true);
        }

        Console.WriteLine();
        Console.WriteLine(lossless ? "Zero loss with the queue sized for the burst." : "LOSS: records were dropped with the queue sized for the burst.");

        if (burstsOnly)
        {
            return lossless ? 0 : 1;
        }

        // Sustained: a paced producer with the default options, 5 s at each rate.
        Console.WriteLine();
        SustainedRun.PrintHeader();
        foreach (int rate in new[] { 100_000, 200_000, 300_000, 400_000, 500_000 })
        {
            SustainedRun.Execute(rate, seconds: 5);
        }

        return lossless ? 0 : 1;
    }

    private static bool Run(int threads, int calls, int queueCapacity, bool print)
    {
        string directory = Path.Combine(Path.GetTempPath(), "instrumentor-throughput-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        string path = Path.Combine(directory, "traces.db");
        try
        {
            Monitoring.Configure(o =>
            {
                o.DatabasePath = path;
                o.QueueCapacity = queueCapacity;
                o.QueueWarningThreshold = queueCapacity;
                o.ServiceName = "throughput";
            });

            // Start the pipeline now, as an application does at its first monitored call: allocating and touching the
            // queue's slots (320 B each, 335 MB for a million) is a one-time cost that is not throughput.
            RecordQueue.EnsureStarted().Ready.Wait(); // the start runs on its own thread: wait for it, it is not throughput
            using var start = new ManualResetEventSlim();
            var workers = new Thread[threads];
            long producedTicks = 0;
            for (int t = 0; t < threads; t++)
            {
                int share = calls / threads + (t < calls % threads ? 1 : 0);
                workers[t] = new Thread(() =>
                {
                    start.Wait();
                    int sum = 0;
                    for (int i = 0; i < share; i++)
                    {
                        sum += ThroughputTarget.Multiply(i, 3);
                    }

                    GC.KeepAlive(sum);
                });
                workers[t].Start();
            }

            long t0 = Stopwatch.GetTimestamp();
            start.Set();
            foreach (Thread worker in workers)
            {
                worker.Join();
            }

            producedTicks = Stopwatch.GetTimestamp() - t0;
            long queuedAtEnd = Monitoring.Stats.QueueDepth;
            long t1 = Stopwatch.GetTimestamp();
            bool flushed = Monitoring.FlushAsync(TimeSpan.FromMinutes(5)).GetAwaiter().GetResult();
            double seconds = Stopwatch.GetElapsedTime(t0).TotalSeconds;
            double drainSeconds = Stopwatch.GetElapsedTime(t1).TotalSeconds;
            MonitoringStats stats = Monitoring.Stats;
            Monitoring.Shutdown(TimeSpan.FromSeconds(30));

            long rows = CountRows(path);
            double megabytes = DirectorySize(directory) / (1024.0 * 1024.0);
            if (print)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {threads} | {queueCapacity:N0} | {producedTicks / (double)Stopwatch.Frequency:F3} | {seconds:F3} | {stats.Written / seconds:N0} | {queuedAtEnd:N0} | {queuedAtEnd / drainSeconds:N0} | {stats.Written:N0} | {stats.Dropped:N0} | {rows:N0} | {megabytes:F1} |"));
                if (!flushed)
                {
                    Console.WriteLine("(flush timed out)");
                }
            }

            return flushed && stats.Dropped == 0 && stats.Written == calls && rows == calls;
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>The rows of the <c>process_trace</c> view in the file at <paramref name="path"/>.</summary>
    internal static long CountRows(string path)
    {
        using var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM process_trace;";
        return (long)command.ExecuteScalar()!;
    }

    private static long DirectorySize(string directory)
    {
        long total = 0;
        foreach (string file in Directory.GetFiles(directory))
        {
            total += new FileInfo(file).Length;
        }

        return total;
    }
}
