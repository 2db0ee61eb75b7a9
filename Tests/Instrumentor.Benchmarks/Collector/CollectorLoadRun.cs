using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace Instrumentor.Benchmarks.Collector;

/// <summary>
/// <c>--collector-load [--clients N] [--seconds S] [--min-batch N] [--max-batch N]</c>: ingest throughput of a real
/// <c>instrumentor serve</c> over loopback HTTP (docs/benchmarks.md, "Collector ingest"). N clients post batches
/// of 100–1,000 spans (2 arguments + result each) to <c>/v1/uploads</c> for S seconds after a 3 s warm-up; then the
/// store file is counted: every acknowledged span must be a row (zero loss) and no (trace id, span id) twice.
/// <c>--prefill-old N</c> first fills the store with N spans 7 to 8 hours old and serves it with <c>--retention 6h</c>,
/// so the purge deletes them while the load runs (the ingest rate with purging); the table then shows what it purged.
/// <c>--postgres</c> runs the same load against <c>serve --postgres</c> on a throwaway PostgreSQL server of this
/// machine (<see cref="Testing.PostgresCluster"/>, default durability settings) and counts the rows there.
/// </summary>
internal static class CollectorLoadRun
{
    internal static async Task<int> ExecuteAsync(string[] args)
    {
        int clients = Option(args, "--clients", 4);
        int seconds = Option(args, "--seconds", 30);
        int minBatch = Option(args, "--min-batch", 100);
        int maxBatch = Option(args, "--max-batch", 1000);
        string directory = Path.Combine(Path.GetTempPath(), "instrumentor-collector-load-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        string database = Path.Combine(directory, "traces.db");
        int prefill = Option(args, "--prefill-old", 0);
        bool postgres = args.Contains("--postgres");
        if (postgres && prefill > 0)
        {
            Console.Error.WriteLine("--prefill-old is for the SQLite store only");
            return 2;
        }

        using Testing.PostgresCluster? cluster = postgres ? Testing.PostgresCluster.Start("max_wal_size=4GB") : null;
        string? connection = cluster?.CreateDatabase("load");
        if (prefill > 0)
        {
            Console.WriteLine($"# prefilling {prefill:N0} spans 7–8 h old: serve purges them (--retention 6h) during the window");
            BulkStore.Fill(database, prefill, DateTimeOffset.UtcNow.AddHours(-7), TimeSpan.FromHours(1));
        }

        Console.WriteLine($"# Collector ingest{(postgres ? " into PostgreSQL (serve --postgres)" : "")}: {clients} clients, batches of {minBatch}–{maxBatch} spans, {seconds} s after a 3 s warm-up");
        Console.WriteLine($"{DateTime.UtcNow:yyyy-MM-ddTHH:mm:ssZ}, {Environment.ProcessorCount} cores, load average {Measure.LoadAverage()}");
        try
        {
            string[] serveArguments = connection is null ? ["--retention", prefill > 0 ? "6h" : "0"] : ["--retention", "0", "--postgres", connection];
            await using CollectorProcess server = await CollectorProcess.StartAsync(database, serveArguments).ConfigureAwait(false);
            var seedSource = new Random();
            List<LoadClient> senders = Enumerable.Range(0, clients)
                .Select(_ => new LoadClient(server.BaseAddress, (ulong)seedSource.NextInt64(1, long.MaxValue))).ToList();

            using (var warmUp = new CancellationTokenSource(TimeSpan.FromSeconds(3)))
            {
                await Task.WhenAll(senders.Select(s => s.RunAsync(minBatch, maxBatch, warmUp.Token))).ConfigureAwait(false);
            }

            long warmAccepted = senders.Sum(s => s.Accepted);
            int warmRequests = senders.Sum(s => s.LatenciesMs.Count);
            foreach (LoadClient sender in senders)
            {
                sender.Completions.Clear();
                sender.LatenciesMs.Clear();
            }

            TimeSpan serverCpu = server.CpuTime;
            TimeSpan databaseCpu = cluster?.CpuTime() ?? TimeSpan.Zero;
            TimeSpan ownCpu = Process.GetCurrentProcess().TotalProcessorTime;
            long began = Stopwatch.GetTimestamp();
            using (var window = new CancellationTokenSource(TimeSpan.FromSeconds(seconds)))
            {
                await Task.WhenAll(senders.Select(s => s.RunAsync(minBatch, maxBatch, window.Token))).ConfigureAwait(false);
            }

            double elapsed = Stopwatch.GetElapsedTime(began).TotalSeconds;
            serverCpu = server.CpuTime - serverCpu;
            databaseCpu = (cluster?.CpuTime() ?? TimeSpan.Zero) - databaseCpu;
            ownCpu = Process.GetCurrentProcess().TotalProcessorTime - ownCpu;
            string loadAfter = Measure.LoadAverage();

            long accepted = senders.Sum(s => s.Accepted) - warmAccepted;
            List<double> latencies = senders.SelectMany(s => s.LatenciesMs).ToList();

            double[] perSecond = PerSecond(senders.SelectMany(s => s.Completions), began, seconds);
            Console.WriteLine();
            Console.WriteLine("| measure | value |");
            Console.WriteLine("|---|---:|");
            Console.WriteLine($"| spans acknowledged in the window | {accepted:N0} in {elapsed:F1} s |");
            Console.WriteLine($"| **sustained rate** | **{accepted / elapsed:N0} spans/s** |");
            Console.WriteLine($"| per-second rate: min / median / max | {perSecond.Min():N0} / {Measure.Percentile(perSecond, 50):N0} / {perSecond.Max():N0} |");
            Console.WriteLine($"| requests in the window (+ warm-up) | {latencies.Count:N0} (+ {warmRequests:N0}) |");
            Console.WriteLine($"| request round trip p50 / p95 / max ms | {Measure.Percentile(latencies, 50):F1} / {Measure.Percentile(latencies, 95):F1} / {latencies.Max():F1} |");
            Console.WriteLine($"| 429/503 answers (retried) | {senders.Sum(s => s.Refused):N0} |");
            Console.WriteLine($"| server CPU in the window | {serverCpu.TotalSeconds:F1} s = {serverCpu.TotalSeconds / elapsed:F2} cores, {accepted / serverCpu.TotalSeconds:N0} spans per CPU-second |");
            if (cluster is not null)
            {
                Console.WriteLine($"| PostgreSQL server CPU in the window | {databaseCpu.TotalSeconds:F1} s = {databaseCpu.TotalSeconds / elapsed:F2} cores, {accepted / (serverCpu + databaseCpu).TotalSeconds:N0} spans per CPU-second with the collector |");
            }

            Console.WriteLine($"| load tool's own CPU (clients) | {ownCpu.TotalSeconds:F1} s = {ownCpu.TotalSeconds / elapsed:F2} cores |");
            Console.WriteLine($"| load average after the window | {loadAfter} |");

            long sent = senders.Sum(s => s.Sent);
            long acknowledged = senders.Sum(s => s.Accepted);
            long duplicates = senders.Sum(s => s.Duplicates);
            long purgedInWindow = prefill > 0 ? await PurgedTotalAsync(server.BaseAddress).ConfigureAwait(false) : 0;
            if (prefill > 0)
            {
                Console.WriteLine($"| old spans purged by retention during the load (of {prefill:N0}) | {purgedInWindow:N0} |");
                // The zero-loss count below needs the prefill gone: let the purge finish (no load now).
                var purgeWait = Stopwatch.StartNew();
                while (await PurgedTotalAsync(server.BaseAddress).ConfigureAwait(false) < prefill && purgeWait.Elapsed < TimeSpan.FromMinutes(10))
                {
                    await Task.Delay(500).ConfigureAwait(false);
                }
            }

            long statusTotal = await SpansTotalAsync(server.BaseAddress).ConfigureAwait(false);
            (long rows, long duplicatedKeys) = connection is null ? Measure.CountStore(database) : Measure.CountPostgres(connection);
            Console.WriteLine($"| spans sent (warm-up included) / accepted / duplicates answered | {sent:N0} / {acknowledged:N0} / {duplicates:N0} |");
            Console.WriteLine($"| rows in the store / `/api/status` spans_total | {rows:N0} / {statusTotal:N0} |");
            Console.WriteLine($"| (trace_id, span_id) stored more than once | {duplicatedKeys:N0} |");
            bool ok = rows == sent && acknowledged == sent && duplicates == 0 && duplicatedKeys == 0 && statusTotal == rows;
            Console.WriteLine();
            Console.WriteLine(ok ? "zero loss, no duplicates: every span sent is one row." : "**CHECK FAILED**: the counts above disagree.");
            foreach (LoadClient sender in senders)
            {
                sender.Dispose();
            }

            return ok ? 0 : 1;
        }
        finally
        {
            TryDelete(directory);
        }
    }

    internal static int Option(string[] args, string name, int fallback)
    {
        int at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;
    }

    internal static string? Text(string[] args, string name)
    {
        int at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
    }

    internal static async Task<long> SpansTotalAsync(Uri baseAddress)
    {
        using var http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromMinutes(5) };
        using JsonDocument status = JsonDocument.Parse(await http.GetStringAsync("api/status").ConfigureAwait(false));
        return status.RootElement.GetProperty("spans_total").GetInt64();
    }

    internal static async Task<long> PurgedTotalAsync(Uri baseAddress)
    {
        using var http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromMinutes(5) };
        using JsonDocument status = JsonDocument.Parse(await http.GetStringAsync("api/status").ConfigureAwait(false));
        return status.RootElement.GetProperty("retention").GetProperty("purged_total").GetInt64();
    }

    private static double[] PerSecond(IEnumerable<(long Timestamp, int Spans)> completions, long began, int seconds)
    {
        var buckets = new double[seconds];
        foreach ((long timestamp, int spans) in completions)
        {
            int second = (int)Stopwatch.GetElapsedTime(began, timestamp).TotalSeconds;
            buckets[Math.Clamp(second, 0, seconds - 1)] += spans;
        }

        return buckets;
    }

    private static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // a file still held by the dying server: the temp folder is cleaned later
        }
    }
}
