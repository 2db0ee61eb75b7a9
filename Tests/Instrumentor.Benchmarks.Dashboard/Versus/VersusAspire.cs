using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Text.Json;
using System.Threading.Tasks;
using Instrumentor.Dashboard.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Instrumentor.Benchmarks.Dashboard.Versus;

/// <summary>
/// <c>--versus-aspire [--traces 5000] [--runs 3] [--artifacts DIR] [--aspire-version 13.6.5]</c>: the same OTLP
/// traces sent to a Release <c>instrumentor serve</c> and to the .NET Aspire dashboard, both then read in chromium;
/// prints a markdown table of ingest, visibility and view times, and leaves screenshots of both in DIR.
/// </summary>
internal static class VersusAspire
{
    public static async Task<int> RunAsync(string[] args)
    {
        var traces = Program.Option(args, "--traces", 5_000);
        var runs = Program.Option(args, "--runs", 3);
        var artifacts = Path.GetFullPath(Text(args, "--artifacts", Path.Combine("artifacts", "versus-aspire")));
        var version = Text(args, "--aspire-version", AspireDashboard.DefaultVersion);
        Console.WriteLine($"{DateTime.UtcNow:u} {Environment.ProcessorCount} cores, load average {Program.LoadAverage()}; " +
            $"{traces:N0} traces × {ShopTraces.SpansPerTrace} spans, every {ShopTraces.ErrorEvery}th failing; Aspire dashboard {version}");

        var watch = Stopwatch.StartNew();
        var tools = await AspireDashboard.DownloadAsync(version);
        Console.WriteLine($"Aspire dashboard package ready in {watch.Elapsed.TotalSeconds:F1} s: {tools}");

        await using var ours = await CollectorServer.StartAsync();
        await using var aspire = await AspireDashboard.StartAsync(tools);
        using var shop = ShopTraces.Make(traces, DateTime.UtcNow);
        var expected = shop.SpanCount;

        var rows = new List<(string Name, string Ours, string Aspire)>();
        void Row(string name, string o, string a) => rows.Add((name, o, a));

        // One after the other, each with the machine to itself.
        var oursSend = await OtlpSender.SendAsync(shop, new Uri(ours.BaseAddress, "v1/traces"));
        var oursVisible = await VisibleAsync(() => OursSpansAsync(ours.BaseAddress), expected, oursSend.Elapsed);
        Console.WriteLine($"load average after sending to Instrumentor: {Program.LoadAverage()}");
        var aspireSend = await OtlpSender.SendAsync(shop, aspire.OtlpTraces);
        var aspireVisible = await VisibleAsync(() => AspireSpansAsync(aspire.BaseAddress), expected, aspireSend.Elapsed);
        Console.WriteLine($"load average after sending to Aspire: {Program.LoadAverage()}");

        Row("spans sent (OTLP/HTTP protobuf, OpenTelemetry SDK exporter, 3 services at once, batches of 512)", $"{oursSend.Spans:N0} in {oursSend.Requests} requests", $"{aspireSend.Spans:N0} in {aspireSend.Requests} requests");
        Row("spans the exporter reported as not delivered", $"{oursSend.FailedSpans:N0}", $"{aspireSend.FailedSpans:N0}");
        Row("ingest: all export calls answered", $"{oursSend.Elapsed.TotalSeconds:F2} s = {Rate(oursSend)} spans/s", $"{aspireSend.Elapsed.TotalSeconds:F2} s = {Rate(aspireSend)} spans/s");
        Row("time until all spans are visible through the dashboard's own API", Visible(oursVisible), Visible(aspireVisible));
        Row("memory after ingest (RSS)", Rss(ours.ProcessId), Rss(aspire.ProcessId));

        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
        var sides = new[] { DashboardSide.Instrumentor(ours.BaseAddress), DashboardSide.Aspire(aspire.BaseAddress) };
        var probes = sides.Select(s => new BrowserProbe(browser, s, artifacts)).ToArray();
        var times = sides.Select(_ => new Dictionary<string, List<double>>()).ToArray();
        for (var run = 0; run < runs; run++)
        {
            // Alternating which goes first, so a burst of load hits both alike.
            foreach (var i in run % 2 == 0 ? new[] { 0, 1 } : [1, 0])
            {
                var probe = probes[i];
                var side = sides[i].Name;
                Add(times[i], "list", await Measured(side, "list", () => probe.FirstListLoadAsync(keep: run == 0)));
                Add(times[i], "trace", await Measured(side, "trace", () => probe.DirectTraceLoadAsync(shop.GoodTrace)));
                Add(times[i], "error", await Measured(side, "error", () => probe.ErrorLoadAsync(shop.FailedTrace, shop.FailedSpan)));
                var (filter, open) = await Measured(side, "filter and open", () => probe.InteractAsync(shop.GoodTrace, shop.GoodRoot), (double.NaN, double.NaN));
                Add(times[i], "filter", filter);
                Add(times[i], "open", open);
            }
        }

        string Median(int side, string key)
        {
            var measured = times[side][key].Where(t => !double.IsNaN(t)).ToList();
            var failed = times[side][key].Count - measured.Count;
            var text = measured.Count == 0 ? "not shown" : $"{Program.Percentile(measured, 50):N0} ms (max {measured.Max():N0})";
            return failed == 0 ? text : $"{text}, {failed} of {times[side][key].Count} runs not shown within 60 s";
        }
        Row($"trace list, first load in a cold browser context (navigation → 10 rows painted in the window; median of {runs})", Median(0, "list"), Median(1, "list"));
        Row("one trace by its URL, cold context (navigation → its 10 spans shown)", Median(0, "trace"), Median(1, "trace"));
        Row("a failed span by its URL, cold context (navigation → its exception text shown)", Median(0, "error"), Median(1, "error"));
        Row($"text filter \"{ShopTraces.SearchedRoute}\" on the loaded list (type + Enter → only matching rows)", Median(0, "filter"), Median(1, "filter"));
        Row("from the list to a trace's spans (ours: a row's \"trace ›\" link; Aspire: a click on the trace's name)", Median(0, "open"), Median(1, "open"));

        Console.WriteLine($"\n| {traces:N0} traces × {ShopTraces.SpansPerTrace} spans | Instrumentor | Aspire dashboard {version} |\n|---|---:|---:|");
        foreach (var (name, o, a) in rows) Console.WriteLine($"| {name} | {o} | {a} |");
        Console.WriteLine($"\nScreenshots and the pages' markup: {artifacts}");
        Console.WriteLine($"load average after: {Program.LoadAverage()}");
        return 0;
    }

    /// <summary>A view that never showed what it should is reported as such, and the run goes on.</summary>
    private static async Task<T> Measured<T>(string side, string step, Func<Task<T>> measure, T failed)
    {
        try
        {
            return await measure();
        }
        catch (Exception e) when (e is TimeoutException or PlaywrightException)
        {
            Console.WriteLine($"{side}, {step}: {e.Message.Split('\n')[0]}");
            return failed;
        }
    }

    private static Task<double> Measured(string side, string step, Func<Task<double>> measure) => Measured(side, step, measure, double.NaN);

    private static void Add(Dictionary<string, List<double>> times, string key, double value)
    {
        if (!times.TryGetValue(key, out var list)) times[key] = list = [];
        list.Add(value);
    }

    private static string Rate(OtlpSender.Result result) => (result.Spans / result.Elapsed.TotalSeconds).ToString("N0", CultureInfo.InvariantCulture);

    private static string Visible(TimeSpan? time) => time is { } t ? $"{t.TotalSeconds:F2} s" : "not measured (see the output above)";

    /// <summary>Polls after the send until the dashboard reports every span; the time counts from the send's start.</summary>
    private static async Task<TimeSpan?> VisibleAsync(Func<Task<long>> count, long expected, TimeSpan sendTook)
    {
        var watch = Stopwatch.StartNew();
        long seen = 0;
        while (watch.Elapsed < TimeSpan.FromSeconds(60))
        {
            try
            {
                seen = await count();
            }
            catch (Exception e) when (e is HttpRequestException or InvalidOperationException or JsonException or TaskCanceledException)
            {
                Console.WriteLine($"cannot count the spans: {e.Message}");
                return null;
            }

            if (seen >= expected) return sendTook + watch.Elapsed;
            await Task.Delay(50);
        }
        Console.WriteLine($"only {seen:N0} of {expected:N0} spans visible after 60 s");
        return null;
    }

    private static readonly HttpClient s_client = new() { Timeout = TimeSpan.FromSeconds(30) };

    private static async Task<long> OursSpansAsync(Uri baseAddress)
    {
        using var status = JsonDocument.Parse(await s_client.GetStringAsync(new Uri(baseAddress, "api/status")));
        return status.RootElement.GetProperty("spans_total").GetInt64();
    }

    /// <summary>Aspire's telemetry API: the total count of its span list (it looks at its newest 10,000 traces).</summary>
    private static async Task<long> AspireSpansAsync(Uri baseAddress)
    {
        using var response = await s_client.GetAsync(new Uri(baseAddress, "api/telemetry/spans?limit=1"));
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"Aspire's telemetry API answered {(int)response.StatusCode}");
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        foreach (var property in body.RootElement.EnumerateObject())
        {
            if (property.Name.Equals("totalCount", StringComparison.OrdinalIgnoreCase)) return property.Value.GetInt64();
        }
        throw new InvalidOperationException("Aspire's telemetry API answered without a totalCount");
    }

    private static string Rss(int pid)
    {
        var status = $"/proc/{pid}/status";
        if (!File.Exists(status)) return "?";
        var line = File.ReadLines(status).FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return line is null ? "?" : $"{long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024:N0} MB";
    }

    private static string Text(string[] args, string name, string defaultValue)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : defaultValue;
    }
}
