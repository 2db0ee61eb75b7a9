using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Text.Json;
using System.Threading.Tasks;
using Microsoft.Data.Sqlite;

namespace Instrumentor.Benchmarks.Collector;

/// <summary>
/// <c>--collector-queries [--spans N] [--runs R] [--warmup W] [--db FILE] [--baseline COLLECTOR_DLL]</c>: the query API's latency on a store of N
/// spans (default 1,000,000 over the last 24 h, built by <see cref="BulkStore"/> and kept for reuse) served by a real
/// Release <c>instrumentor serve</c> on a loopback port: R calls of each query one after the other, p50 / p95 / max in
/// milliseconds, measured at the client over HTTP. The first call of each query is reported apart, as the cold one;
/// then W calls (default 10) are not measured: the server's JIT compiles a method's optimized code only after it has
/// run a few times, and a server that has been up for a while answers with that code (without the warm-up a query
/// asked 6 times is measured mostly on its first, unoptimized code: 71 ms instead of 12 ms for stats over 24 h).
/// The queries are the ones the collector's budget names: the newest page, one process with status ERR, a page deep in
/// the past (via <c>to</c> and then its cursor), stats over 24 h (all processes and one), the dependency graph (a 1 h
/// window, as the dashboard asks by default, and the whole store), a trace by id, and
/// <c>/api/status</c> (the dashboard's status bar asks for it every 2 s), and the text filter <c>q</c> with a rare term,
/// a term every span has, a term no span has (the scan's worst case: every row read) and an exception's text.
/// With <c>--baseline</c>, the same queries run first against that build of the collector (e.g. the one before a
/// change), then against this one, on the same store in the same session.
/// </summary>
internal static class CollectorQueryRun
{
    private static int s_warmup;

    internal static async Task<int> ExecuteAsync(string[] args)
    {
        long spans = CollectorLoadRun.Option(args, "--spans", 1_000_000);
        int runs = CollectorLoadRun.Option(args, "--runs", 50);
        s_warmup = CollectorLoadRun.Option(args, "--warmup", 10);
        string path = CollectorLoadRun.Text(args, "--db") ?? Path.Combine(Path.GetTempPath(), $"instrumentor-collector-queries-v3-{spans}.db");
        Console.WriteLine($"# Query API on {spans:N0} spans: {DateTime.UtcNow:yyyy-MM-ddTHH:mm:ssZ}, {Environment.ProcessorCount} cores, load average {Measure.LoadAverage()}");
        DateTimeOffset end = DateTimeOffset.UtcNow;
        if (!File.Exists(path))
        {
            var build = Stopwatch.StartNew();
            BulkStore.Fill(path, spans, end, TimeSpan.FromHours(24), customers: true);
            Console.WriteLine($"built {path} in {build.Elapsed.TotalSeconds:F0} s ({new FileInfo(path).Length / 1e6:F0} MB)");
        }
        else
        {
            Console.WriteLine($"(store {path} exists: reused; its spans end when it was built)");
            end = LastSpan(path);
        }

        string[] traceIds = SampleTraceIds(path, runs);

        string? baseline = CollectorLoadRun.Text(args, "--baseline");
        if (baseline is not null)
        {
            Console.WriteLine($"## Baseline: {baseline}");
            await MeasureAsync(baseline, path, end, traceIds, runs).ConfigureAwait(false);
            Console.WriteLine();
            Console.WriteLine("## This build");
        }

        await MeasureAsync(null, path, end, traceIds, runs).ConfigureAwait(false);
        return 0;
    }

    private static async Task MeasureAsync(string? collector, string path, DateTimeOffset end, string[] traceIds, int runs)
    {
        string ts(DateTimeOffset t) => Uri.EscapeDataString(t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture));
        string from24h = ts(end.AddHours(-24).AddMinutes(-1));
        string deep = ts(end.AddHours(-20));
        await using CollectorProcess server = await CollectorProcess.StartWithAsync(collector, path, "--retention", "0").ConfigureAwait(false);
        using var client = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromMinutes(5) };
        Console.WriteLine($"serving on {server.BaseAddress}, load average {Measure.LoadAverage()}");
        // The collector folds the per-minute stats rollups and the text search index in the background; on a new store
        // that first fold takes a while, and queries asked meanwhile read the unfolded spans. Measure the steady state.
        var fold = Stopwatch.StartNew();
        while (!RollupsCaughtUp(path, waitForIndex: collector is null))
        {
            await Task.Delay(200).ConfigureAwait(false);
        }

        Console.WriteLine($"stats rollups (and, for this build, the search index) caught up after {fold.Elapsed.TotalSeconds:F1} s");
        Console.WriteLine();
        Console.WriteLine($"(each query: 1 cold call, {s_warmup} warm-up calls not measured, then {runs} measured)");
        Console.WriteLine("| query API call | cold ms | p50 ms | p95 ms | max ms | rows |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|");

        await Report(client, "newest page (`/api/spans?limit=50`)", runs, _ => "/api/spans?limit=50").ConfigureAwait(false);
        // The bulk store puts every ERR span (1 %) in Bench.Service8.Call: one process with errors, one without any.
        await Report(client, "one process, `status=ERR`", runs, _ => "/api/spans?limit=50&status=ERR&process=Bench.Service8.Call").ConfigureAwait(false);
        await Report(client, "one process, `status=ERR`, none stored", runs, _ => "/api/spans?limit=50&status=ERR&process=Bench.Service7.Call").ConfigureAwait(false);
        await Report(client, "a page 20 h in the past (`to`)", runs, _ => $"/api/spans?limit=50&to={deep}").ConfigureAwait(false);
        string? cursor = await Cursor(client, $"/api/spans?limit=50&to={deep}").ConfigureAwait(false);
        if (cursor is not null)
        {
            await Report(client, "the next page there (`cursor`)", runs, _ => $"/api/spans?limit=50&to={deep}&cursor={Uri.EscapeDataString(cursor)}").ConfigureAwait(false);
        }

        await Report(client, "text, a rare term (`q=customer-4242`, 110 spans)", runs, _ => "/api/spans?limit=50&q=customer-4242").ConfigureAwait(false);
        await Report(client, "text, a term of every span (`q=quantity`)", runs, _ => "/api/spans?limit=50&q=quantity").ConfigureAwait(false);
        await Report(client, "text, a term of no span (`q=no-such-value`)", runs, _ => "/api/spans?limit=50&q=no-such-value").ConfigureAwait(false);
        await Report(client, "text, an exception's (`q=InvalidOperation`, 1 %)", runs, _ => "/api/spans?limit=50&q=InvalidOperation").ConfigureAwait(false);
        await Report(client, "text + one process (`q=customer-4242&process=…`)", runs, _ => "/api/spans?limit=50&q=customer-4242&process=Bench.Service3.Call").ConfigureAwait(false);
        await Report(client, "`/api/stats`, all processes, 24 h", runs, _ => $"/api/stats?from={from24h}").ConfigureAwait(false);
        await Report(client, "`/api/stats`, one process, 24 h", runs, _ => $"/api/stats?process=Bench.Service7.Call&from={from24h}").ConfigureAwait(false);
        string hourFrom = ts(end.AddHours(-3));
        string hourTo = ts(end.AddHours(-2));
        await Report(client, "`/api/graph`, a 1 h window", runs, _ => $"/api/graph?from={hourFrom}&to={hourTo}").ConfigureAwait(false);
        await Report(client, "`/api/graph`, everything (24 h)", runs, _ => "/api/graph").ConfigureAwait(false);
        await Report(client, "trace by id (`/api/traces/{id}`)", runs, i => "/api/traces/" + traceIds[i % traceIds.Length]).ConfigureAwait(false);
        await Report(client, "`/api/status`", runs, _ => "/api/status").ConfigureAwait(false);
        Console.WriteLine();
        Console.WriteLine($"load average after: {Measure.LoadAverage()}; server CPU {server.CpuTime.TotalSeconds:F1} s");
    }

    private static async Task Report(HttpClient client, string name, int runs, Func<int, string> path)
    {
        var times = new List<double>(runs);
        double cold = 0;
        int rows = 0;
        for (int i = 0; i <= s_warmup + runs; i++)
        {
            var watch = Stopwatch.StartNew();
            using HttpResponseMessage response = await client.GetAsync(path(i)).ConfigureAwait(false);
            string body = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
            double ms = watch.Elapsed.TotalMilliseconds;
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"GET {path(i)}: {(int)response.StatusCode} {body}");
            }

            if (i == 0)
            {
                cold = ms;
                rows = Rows(body);
            }
            else if (i > s_warmup)
            {
                times.Add(ms);
            }
        }

        Console.WriteLine(FormattableString.Invariant(
            $"| {name} | {cold:F1} | {Measure.Percentile(times, 50):F1} | {Measure.Percentile(times, 95):F1} | {times.Max():F1} | {rows:N0} |"));
    }

    // Items of a page, spans of a trace, processes of stats; 1 for an object without a list.
    private static int Rows(string body)
    {
        using JsonDocument document = JsonDocument.Parse(body);
        JsonElement root = document.RootElement;
        if (root.ValueKind == JsonValueKind.Array)
        {
            return root.GetArrayLength();
        }

        foreach (string list in (string[])["items", "spans"])
        {
            if (root.TryGetProperty(list, out JsonElement items) && items.ValueKind == JsonValueKind.Array)
            {
                return items.GetArrayLength();
            }
        }

        return 1;
    }

    private static async Task<string?> Cursor(HttpClient client, string path)
    {
        using JsonDocument page = JsonDocument.Parse(await client.GetStringAsync(path).ConfigureAwait(false));
        return page.RootElement.TryGetProperty("next_cursor", out JsonElement c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
    }

    private static string[] SampleTraceIds(string path, int count)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        using SqliteCommand command = connection.CreateCommand();
        // Spread over the whole store: every n-th row id.
        command.CommandText = "SELECT trace_id FROM span WHERE id % (SELECT max(1, count(*) / $n) FROM span) = 0 LIMIT $n;";
        command.Parameters.AddWithValue("$n", Math.Max(1, count));
        using SqliteDataReader reader = command.ExecuteReader();
        var ids = new List<string>();
        while (reader.Read())
        {
            ids.Add(reader.GetString(0));
        }

        return ids.Count > 0 ? ids.ToArray() : throw new InvalidOperationException($"{path} has no spans");
    }

    private static bool RollupsCaughtUp(string path, bool waitForIndex)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        object? state = BulkStore.Scalar(connection, "SELECT (SELECT last_id FROM stats_rollup_state) >= (SELECT max(id) FROM span)");
        if (state is not long rolledUp || rolledUp != 1)
        {
            return false;
        }

        if (!waitForIndex)
        {
            return true;
        }

        // The search index of this build (its state table appears once the server has opened the store).
        object? index = BulkStore.Scalar(connection,
            "SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM sqlite_master WHERE name = 'span_search_state') THEN 0 ELSE (SELECT (SELECT last_id FROM span_search_state) >= (SELECT max(id) FROM span)) END");
        return index is long indexed && indexed == 1;
    }

    private static DateTimeOffset LastSpan(string path)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        string last = (string)BulkStore.Scalar(connection, "SELECT max(ts) FROM span")!;
        return DateTimeOffset.Parse(last, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
    }
}
