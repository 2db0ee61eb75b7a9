using System;
using System.Threading.Tasks;
using Microsoft.Playwright;

namespace Instrumentor.Benchmarks.Dashboard.Versus;

/// <summary>
/// How the comparison reads one dashboard in the browser: where its views are, and a script for each that is
/// true once the view shows what a user came for (the rows, the trace's spans, the exception). The same probe
/// runs against both, so the figures differ only by the dashboards.
/// </summary>
internal sealed record DashboardSide(
    string Name,
    Uri BaseAddress,
    string ListPath,
    Func<string, string> TracePath,
    Func<string, string, string> ErrorSpanPath,
    string ListRowsScript,
    string FilteredScript,
    string FilterSelector,
    string DetailReadyScript,
    string ErrorReadyScript,
    Func<IPage, string, string, Task> OpenTrace)
{
    private const string Searched = ShopTraces.SearchedRoute;

    /// <summary>Rows count only where a user sees them: inside the window, laid out (a virtualized grid keeps empty placeholders).</summary>
    private const string InView = "const inView = e => { const r = e.getBoundingClientRect(); return r.height > 0 && r.bottom > 0 && r.top < innerHeight; };";

    /// <summary>Ours: one row per span; a row's "trace ›" link opens the trace's waterfall.</summary>
    public static DashboardSide Instrumentor(Uri baseAddress) => new(
        "Instrumentor",
        baseAddress,
        "",
        trace => $"?view=trace&trace={trace}",
        (trace, span) => $"?view=trace&trace={trace}&span={span}",
        $"() => {{ {InView} return [...document.querySelectorAll('[data-testid=trace-row]')].filter(inView).length; }}",
        $"() => {{ const rows = [...document.querySelectorAll('[data-testid=trace-row]')]; return rows.length > 0 && rows.every(r => r.textContent.toLowerCase().includes('{Searched}')); }}",
        "[data-testid=filter-search]",
        $"() => document.querySelectorAll('[data-testid=waterfall-row]').length >= {ShopTraces.SpansPerTrace}",
        "() => { const e = document.querySelector('[data-testid=detail-exception]'); return !!e && e.textContent.includes('declined'); }",
        (page, _, rootSpan) => page.Locator($"[data-testid=trace-row][data-span-id='{rootSpan}'] [data-testid=row-trace-link]").ClickAsync());

    /// <summary>The Aspire dashboard: one row per trace (a grid, newest at the bottom); a click on a trace's name opens its page.</summary>
    public static DashboardSide Aspire(Uri baseAddress) => new(
        "Aspire",
        baseAddress,
        "traces",
        trace => $"traces/detail/{trace}",
        (trace, span) => $"traces/detail/{trace}?spanId={span}",
        $"() => {{ {InView} return [...document.querySelectorAll('tr.fluent-data-grid-row .trace-name-content')].filter(inView).length; }}",
        $"() => {{ const names = [...document.querySelectorAll('tr.fluent-data-grid-row .trace-name-content')]; return names.length > 0 && names.every(n => n.textContent.toLowerCase().includes('{Searched}')); }}",
        "fluent-text-input[name=traces-search] input",
        "() => { const t = document.body?.innerText ?? ''; return t.includes('PaymentGateway.Charge') && t.includes('TaxService.Rate'); }",
        "() => (document.body?.innerText ?? '').includes('declined by the issuer')",
        (page, trace, _) => page.Locator("tr.fluent-data-grid-row").Filter(new() { HasText = trace[..7] }).Locator(".trace-name-content").ClickAsync());

    public string Url(string path) => new Uri(BaseAddress, path).ToString();
}
