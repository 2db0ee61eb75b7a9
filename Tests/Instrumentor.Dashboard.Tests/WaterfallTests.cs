using System.Threading.Tasks;
using Instrumentor.Dashboard.Tests.Infrastructure;

namespace Instrumentor.Dashboard.Tests;

public sealed class WaterfallTests : DashboardTest
{
    [Test]
    public async Task Waterfall_of_ten_thousand_spans_keeps_only_the_visible_rows_in_the_page()
    {
        await OpenAsync($"/?view=trace&trace={DashboardFixture.Data.BigTraceId}");

        await Expect(ByTestId("trace-meta")).ToContainTextAsync($"spans{Dataset.BigTraceSpans}");
        var rows = ByTestId("waterfall").Locator("[data-testid='waterfall-row']");
        await Expect(rows.First).ToContainTextAsync("Importer.Run");
        (await rows.CountAsync()).ShouldBeLessThan(200);
        await ScreenshotAsync("waterfall-10000");

        // Nesting: the root, then the first chunk, then its rows.
        await Expect(rows.Nth(1)).ToHaveAttributeAsync("data-depth", "1");
        await Expect(rows.Nth(2)).ToHaveAttributeAsync("data-depth", "2");

        await ByTestId("waterfall").EvaluateAsync("el => el.scrollTop = el.scrollHeight");
        await Expect(ByTestId("waterfall").Locator($"[data-index='{Dataset.BigTraceSpans - 1}']")).ToHaveCountAsync(1);
        await Expect(ByTestId("waterfall").Locator($"[data-index='{Dataset.BigTraceSpans - 1}']")).ToContainTextAsync("Importer.ImportRow");
        (await rows.CountAsync()).ShouldBeLessThan(200);
        await ScreenshotAsync("waterfall-10000-bottom");
    }

    [Test]
    public async Task Trace_is_named_after_its_root_and_each_span_shows_its_service()
    {
        await OpenAsync($"/?view=trace&trace={DashboardFixture.Data.OrderTrace17}");

        await Expect(Page.Locator(".trace-header h2")).ToContainTextAsync($"{Ingest.SystemName}: {Dataset.PlaceOrder}");
        var rows = ByTestId("waterfall").Locator("[data-testid='waterfall-row']");
        await Expect(rows.First.Locator(".waterfall-service")).ToHaveTextAsync(Ingest.SystemName);
        await Expect(rows.Locator(".waterfall-service").Filter(new() { HasNotText = Ingest.SystemName })).ToHaveCountAsync(0);
    }

    [Test]
    public async Task Waterfall_row_opens_the_span_detail()
    {
        await OpenAsync($"/?view=trace&trace={DashboardFixture.Data.OrderTrace17}");
        var row = ByTestId("waterfall").Locator("[data-testid='waterfall-row']").Filter(new() { HasText = "Payments.Charge" });

        await row.ClickAsync();

        await Expect(ByTestId("detail-process")).ToHaveTextAsync(Dataset.Charge);
        await ScreenshotAsync("waterfall-detail");
    }
}
