using System;
using System.Diagnostics;
using System.IO;
using System.Threading.Tasks;
using Microsoft.Playwright;

namespace Instrumentor.Benchmarks.Dashboard.Versus;

/// <summary>
/// Times one dashboard's views in chromium and saves what they look like. A view counts as shown when its
/// <see cref="DashboardSide"/> script holds, checked on every animation frame; page loads are timed from the
/// navigation's start (the script returns <c>performance.now()</c>), clicks and typing from the action (wall clock,
/// so a Playwright round trip is included on both sides).
/// </summary>
internal sealed class BrowserProbe(IBrowser browser, DashboardSide side, string artifacts)
{
    private static readonly BrowserNewContextOptions s_context = new()
    {
        ViewportSize = new ViewportSize { Width = 1400, Height = 900 },
        TimezoneId = "UTC",
    };

    /// <summary>A cold context (no cache) opens the trace list: navigation start → at least 10 rows painted in the window.</summary>
    public async Task<double> FirstListLoadAsync(bool keep)
    {
        await using var context = await browser.NewContextAsync(s_context);
        var page = await context.NewPageAsync();
        await page.GotoAsync(side.Url(side.ListPath), new PageGotoOptions { WaitUntil = WaitUntilState.Commit });
        var painted = await WhenAsync(page, $"() => ({side.ListRowsScript})() >= 10 ? performance.now() : 0");
        if (keep) await SaveAsync(page, "list");
        return painted;
    }

    /// <summary>A cold context opens one trace by its URL: navigation start → all its spans shown.</summary>
    public async Task<double> DirectTraceLoadAsync(string traceId)
    {
        await using var context = await browser.NewContextAsync(s_context);
        var page = await context.NewPageAsync();
        await page.GotoAsync(side.Url(side.TracePath(traceId)), new PageGotoOptions { WaitUntil = WaitUntilState.Commit });
        var shown = await WhenAsync(page, $"() => ({side.DetailReadyScript})() ? performance.now() : 0");
        await SaveAsync(page, "trace");
        return shown;
    }

    /// <summary>A cold context opens the failing span of a failed trace: navigation start → its exception shown.</summary>
    public async Task<double> ErrorLoadAsync(string traceId, string spanId)
    {
        await using var context = await browser.NewContextAsync(s_context);
        var page = await context.NewPageAsync();
        await page.GotoAsync(side.Url(side.ErrorSpanPath(traceId, spanId)), new PageGotoOptions { WaitUntil = WaitUntilState.Commit });
        var shown = await WhenAsync(page, $"() => ({side.ErrorReadyScript})() ? performance.now() : 0");
        await SaveAsync(page, "error");
        return shown;
    }

    /// <summary>On a loaded list: the text filter, then a click on a trace near the top, each until shown.</summary>
    public async Task<(double Filter, double OpenTrace)> InteractAsync(string traceId, string rootSpanId)
    {
        await using var context = await browser.NewContextAsync(s_context);
        var page = await context.NewPageAsync();
        await page.GotoAsync(side.Url(side.ListPath));
        await WhenAsync(page, $"() => ({side.ListRowsScript})() >= 10 ? performance.now() : 0");

        var watch = Stopwatch.StartNew();
        var input = page.Locator(side.FilterSelector).First;
        await input.FillAsync(ShopTraces.SearchedRoute);
        await input.PressAsync("Enter");
        await WhenAsync(page, $"() => ({side.FilteredScript})() ? 1 : 0");
        var filter = watch.Elapsed.TotalMilliseconds;
        await SaveAsync(page, "filtered");

        await input.FillAsync("");
        await input.PressAsync("Enter");
        await WhenAsync(page, $"() => !({side.FilteredScript})() && ({side.ListRowsScript})() >= 10 ? 1 : 0");

        watch.Restart();
        await side.OpenTrace(page, traceId, rootSpanId);
        await WhenAsync(page, $"() => ({side.DetailReadyScript})() ? 1 : 0");
        var open = watch.Elapsed.TotalMilliseconds;
        await SaveAsync(page, "opened-from-list");
        return (filter, open);
    }

    private async Task<double> WhenAsync(IPage page, string script)
    {
        try
        {
            var handle = await page.WaitForFunctionAsync(script, null, new PageWaitForFunctionOptions { Timeout = 60_000 });
            return await handle.JsonValueAsync<double>();
        }
        catch (TimeoutException)
        {
            // What the page showed instead: the picture and markup say which probe script to fix.
            await SaveAsync(page, "failed");
            throw;
        }
    }

    private async Task SaveAsync(IPage page, string view)
    {
        Directory.CreateDirectory(artifacts);
        var name = $"{side.Name.ToLowerInvariant()}-{view}";
        // A moment later, so the picture shows the view settled (not part of any timing).
        await page.WaitForTimeoutAsync(1_000);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(artifacts, name + ".png") });
        // The page's markup next to its picture: where to look when a probe script stops matching.
        await File.WriteAllTextAsync(Path.Combine(artifacts, name + ".html"), await page.ContentAsync());
    }
}
