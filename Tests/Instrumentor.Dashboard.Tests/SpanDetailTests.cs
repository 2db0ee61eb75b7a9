using System.Text.RegularExpressions;
using System.Threading.Tasks;
using Instrumentor.Dashboard.Tests.Infrastructure;

namespace Instrumentor.Dashboard.Tests;

public sealed class SpanDetailTests : DashboardTest
{
    [Test]
    public async Task Row_opens_the_detail_with_its_inputs_outputs_and_percentiles()
    {
        await OpenAsync("/?q=c-17");
        await Expect(Rows).ToHaveCountAsync(1);

        await Rows.First.ClickAsync();

        var detail = ByTestId("span-detail");
        await Expect(detail).ToBeVisibleAsync();
        await Expect(ByTestId("detail-process")).ToHaveTextAsync(Dataset.PlaceOrder);
        var inputs = ByTestId("detail-inputs");
        await Expect(inputs.Locator("tr").Filter(new() { HasText = "quantity" }).Locator("pre")).ToHaveTextAsync("17");
        await Expect(inputs.Locator("tr").Filter(new() { HasText = "customer" }).Locator("pre")).ToHaveTextAsync("c-17");
        await Expect(ByTestId("detail-outputs").Locator("tr").Filter(new() { HasText = "result" }).Locator("pre")).ToHaveTextAsync("34.00");
        await Expect(ByTestId("percentiles").Locator("[data-metric='p50']")).ToContainTextAsync("ms");
        await Expect(ByTestId("percentiles").Locator("[data-metric='p95']")).ToContainTextAsync("ms");
        await Expect(ByTestId("percentiles").Locator("[data-metric='p99']")).ToContainTextAsync("ms");
        await Expect(ByTestId("percentiles").Locator("[data-metric='count']")).ToHaveTextAsync(new Regex($"calls\\s*{Dataset.OrderTraces}"));
        await Expect(ByTestId("sparkline").Locator("canvas")).ToHaveCountAsync(1);
        await Expect(Page).ToHaveURLAsync(new Regex("span=[0-9a-f]{16}"));
        await ScreenshotAsync("span-detail");

        await ByTestId("detail-close").ClickAsync();
        await Expect(detail).ToBeHiddenAsync();
        await Expect(Page).Not.ToHaveURLAsync(new Regex("span="));
        PageErrors.ShouldBeEmpty();
    }

    [Test]
    public async Task Detail_shows_the_spans_logs_as_text()
    {
        await OpenAsync("/?q=c-17");
        await Rows.First.ClickAsync();

        var logs = ByTestId("detail-logs");
        await Expect(logs.Locator("tr")).ToHaveCountAsync(2);
        await Expect(logs).ToContainTextAsync(Dataset.LogMessage);
        await Expect(logs).ToContainTextAsync("Shop.OrderService");
        await Expect(logs).ToContainTextAsync("note " + Dataset.ImgPayload);
        await Expect(logs.Locator("img")).ToHaveCountAsync(0);
        await ScreenshotAsync("span-detail-logs");
        Dialogs.ShouldBeEmpty();
        PageErrors.ShouldBeEmpty();
    }

    [Test]
    public async Task Failed_span_shows_its_exception_with_the_stack()
    {
        await OpenAsync($"/?process={Dataset.Charge}&status=ERR");
        await Rows.First.ClickAsync();

        var exception = ByTestId("detail-exception");
        await Expect(exception).ToContainTextAsync("System.InvalidOperationException: card declined");
        await Expect(exception).ToContainTextAsync("at Shop.Payments.Charge(Decimal amount) in /src/Shop/Payments.cs:line 42");
        await ScreenshotAsync("span-detail-exception");
    }

    [Test]
    public async Task Trace_link_opens_the_waterfall_of_the_whole_trace()
    {
        await OpenAsync("/?q=c-17");
        await Rows.First.ClickAsync();

        await ByTestId("trace-link").ClickAsync();

        await Expect(Page).ToHaveURLAsync(new Regex($"view=trace&trace={DashboardFixture.Data.OrderTrace17}"));
        var rows = ByTestId("waterfall").Locator("[data-testid='waterfall-row']");
        await Expect(rows).ToHaveCountAsync(3 + Dataset.ReservesPerTrace);
        await Expect(rows.First).ToHaveAttributeAsync("data-depth", "0");
        await Expect(rows.First).ToContainTextAsync("OrderService.PlaceOrder");
        await Expect(ByTestId("waterfall").Locator("[data-depth='1']")).ToHaveCountAsync(2 + Dataset.ReservesPerTrace);
        await Expect(ByTestId("span-detail")).ToBeHiddenAsync();
    }
}
