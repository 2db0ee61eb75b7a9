using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Net.Http;
using System.Threading.Tasks;
using Instrumentor.Dashboard.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Instrumentor.Benchmarks.Dashboard;

/// <summary>
/// <c>dotnet run -c Release -- [--spans 1000000] [--runs 5]</c>: fills a collector, then prints markdown tables of the
/// ingest rate, the query API's latency and the dashboard's paint times in chromium (docs/benchmarks.md).
/// <c>--versus-aspire</c> instead puts it next to the .NET Aspire dashboard (<see cref="Versus.VersusAspire"/>).
/// </summary>
internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        if (args.Contains("--versus-aspire")) return await Versus.VersusAspire.RunAsync(args);
        var spans = Option(args, "--spans", 1_000_000);
        var runs = Option(args, "--runs", 5);
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        Console.WriteLine($"{DateTime.UtcNow:u} {Environment.ProcessorCount} cores, load average {LoadAverage()}, {spans:N0} spans");

        await using var server = await CollectorServer.StartAsync();
        var now = DateTime.UtcNow;
        var clock = Stopwatch.StartNew();
        using (var ingest = new Ingest(server.BaseAddress))
        {
            await ingest.BatchesAsync(LargeStore.Spans(spans, now));
        }
        Console.WriteLine($"\nIngest: {spans:N0} spans over HTTP (/v1/uploads, batches of 1,000, one client) in {clock.Elapsed.TotalSeconds:F1} s = {spans / clock.Elapsed.TotalSeconds:N0} spans/s");

        // The browser first: the slow API calls below (text search, graph over everything) must not delay it.
        await MeasureBrowserAsync(server.BaseAddress, now, runs);
        await MeasureApiAsync(server.BaseAddress, now);
        Console.WriteLine($"\nload average after: {LoadAverage()}");
        return 0;
    }

    private static async Task MeasureApiAsync(Uri baseAddress, DateTime now)
    {
        using var client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromMinutes(10) };
        var page1 = await client.GetStringAsync("api/spans?limit=50");
        var cursor = System.Text.Json.JsonDocument.Parse(page1).RootElement.GetProperty("next_cursor").GetString();
        // Slow calls get fewer repetitions (3 after the warm-up) so one run stays within minutes.
        var queries = new (string Name, string Path, int Repeat)[]
        {
            ("newest page", "api/spans?limit=50", 20),
            ("next page (cursor)", $"api/spans?limit=50&cursor={Uri.EscapeDataString(cursor!)}", 20),
            ("process", $"api/spans?limit=50&process={LargeStore.Process(6)}", 20),
            ("status=ERR", "api/spans?limit=50&status=ERR", 20),
            ("1 h window", $"api/spans?limit=50&from={Iso(now.AddHours(-3))}&to={Iso(now.AddHours(-2))}", 20),
            ("status", "api/status", 20),
            ("stats of one process, the hour around a span (detail modal)", $"api/stats?process={LargeStore.Process(6)}&buckets=30&from={Iso(now.AddHours(-3))}&to={Iso(now.AddHours(-2))}", 5),
            ("text search", $"api/spans?limit=50&q={LargeStore.SearchedCustomer}", 3),
            ("graph, 1 h window", $"api/graph?from={Iso(now.AddHours(-3))}&to={Iso(now.AddHours(-2))}", 3),
            ("graph, everything", "api/graph", 1),
        };
        Console.WriteLine("\n| query API call | p50 ms | p95 ms | max ms |\n|---|---:|---:|---:|");
        foreach (var (name, path, repeat) in queries)
        {
            var times = new List<double>();
            for (var i = 0; i <= repeat; i++)
            {
                var watch = Stopwatch.StartNew();
                using var response = await client.GetAsync(path);
                await response.Content.ReadAsByteArrayAsync();
                response.EnsureSuccessStatusCode();
                if (i > 0) times.Add(watch.Elapsed.TotalMilliseconds); // the first call warms the JIT and the page cache
            }
            Console.WriteLine($"| {name} | {Percentile(times, 50):F1} | {Percentile(times, 95):F1} | {times.Max():F1} |");
        }
    }

    private static async Task MeasureBrowserAsync(Uri baseAddress, DateTime now, int runs)
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });

        var firstPaint = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            // A new context each time: no cached script, a cold start as a user's first visit.
            await using var context = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 900 } });
            var page = await context.NewPageAsync();
            await page.GotoAsync(baseAddress.ToString());
            await page.WaitForFunctionAsync("() => performance.getEntriesByName('instrumentor:table-painted').length > 0");
            firstPaint.Add(await page.EvaluateAsync<double>("() => performance.getEntriesByName('instrumentor:table-painted')[0].startTime"));
        }
        Console.WriteLine($"\n| dashboard in chromium ({runs} runs) | median ms | max ms |\n|---|---:|---:|");
        Console.WriteLine($"| first table paint (navigation start → 50 rows painted, cold cache) | {Percentile(firstPaint, 50):F0} | {firstPaint.Max():F0} |");

        await using var ctx = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 900 } });
        var p = await ctx.NewPageAsync();
        await p.GotoAsync(baseAddress.ToString());
        await p.WaitForFunctionAsync("() => performance.getEntriesByName('instrumentor:table-painted').length > 0");
        var changes = new (string Name, Func<Task> Act)[]
        {
            ("status = ERR", () => p.Locator("[data-testid=filter-status]").SelectOptionAsync("ERR")),
            ("status = any", () => p.Locator("[data-testid=filter-status]").SelectOptionAsync("")),
            ("process filter", () => FillAndEnter(p, "filter-process", LargeStore.Process(6))),
            ("next page", () => p.Locator("[data-testid=next-page]").ClickAsync()),
            ("next page again", () => p.Locator("[data-testid=next-page]").ClickAsync()),
            ("previous page", () => p.Locator("[data-testid=previous-page]").ClickAsync()),
            ("process cleared", () => FillAndEnter(p, "filter-process", "")),
            ("from (3 h ago)", () => FillAndEnter(p, "filter-from", now.AddHours(-3).ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture))),
            ("to (2 h ago)", () => FillAndEnter(p, "filter-to", now.AddHours(-2).ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture))),
            ("next page in the window", () => p.Locator("[data-testid=next-page]").ClickAsync()),
            ("text search (one customer)", () => FillAndEnter(p, "filter-search", LargeStore.SearchedCustomer)),
        };
        Console.WriteLine("\n| change (one page, one after the other) | request → rows painted ms | action → rows painted ms (Playwright) |\n|---|---:|---:|");
        foreach (var (name, act) in changes)
        {
            var before = await p.EvaluateAsync<int>("() => performance.getEntriesByName('instrumentor:table-painted').length");
            var watch = Stopwatch.StartNew();
            await act();
            await p.WaitForFunctionAsync($"() => performance.getEntriesByName('instrumentor:table-painted').length > {before}");
            var wall = watch.Elapsed.TotalMilliseconds;
            var inPage = await p.EvaluateAsync<double>(
                "() => { const r = performance.getEntriesByName('instrumentor:table-request').at(-1); const d = performance.getEntriesByName('instrumentor:table-painted').at(-1); return d.startTime - r.startTime; }");
            Console.WriteLine($"| {name} | {inPage:F0} | {wall:F0} |");
        }
    }

    private static async Task FillAndEnter(IPage page, string testId, string value)
    {
        var input = page.Locator($"[data-testid={testId}]");
        await input.FillAsync(value);
        await input.PressAsync("Enter");
    }

    private static string Iso(DateTime time) => time.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    internal static double Percentile(List<double> values, double percent)
    {
        var sorted = values.Order().ToList();
        var index = (int)Math.Ceiling(percent / 100 * sorted.Count) - 1;
        return sorted[Math.Clamp(index, 0, sorted.Count - 1)];
    }

    internal static int Option(string[] args, string name, int defaultValue)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : defaultValue;
    }

    internal static string LoadAverage() =>
        System.IO.File.Exists("/proc/loadavg") ? string.Join(" ", System.IO.File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";
}
