using System;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using Instrumentor.Dashboard.Tests.Infrastructure;

namespace Instrumentor.Dashboard.Tests;

public sealed class TraceTableTests : DashboardTest
{
    [Test]
    public async Task Table_fills_with_the_newest_page_of_fifty_rows_and_says_more_are_available()
    {
        await OpenAsync();

        await Expect(Rows).ToHaveCountAsync(50);
        await Expect(ByTestId("page-summary")).ToHaveTextAsync("Rows 1–50 · more available");
        var headers = await Page.Locator("[data-testid='trace-table'] thead th").AllInnerTextsAsync();
        headers.ShouldBe(["ts", "process", "data", "data_type", "data_value", "status", "exception", "duration"]);
        await ScreenshotAsync("trace-table");
        PageErrors.ShouldBeEmpty();
    }

    [Test]
    public async Task Process_filter_narrows_the_table_to_that_process_and_goes_into_the_url()
    {
        await OpenAsync();
        await Expect(Rows).ToHaveCountAsync(50);

        await ByTestId("filter-process").FillAsync(Dataset.PlaceOrder);
        await ByTestId("filter-process").PressAsync("Enter");

        await Expect(Page).ToHaveURLAsync(new Regex("process=Shop.OrderService.PlaceOrder"));
        await Expect(Rows.Locator(".col-process").Filter(new() { HasNotText = Dataset.PlaceOrder })).ToHaveCountAsync(0);
        await Expect(Rows).ToHaveCountAsync(50);
        await ByTestId("next-page").ClickAsync();
        await Expect(Rows).ToHaveCountAsync(Dataset.OrderTraces - 50);
        await Expect(ByTestId("page-summary")).ToHaveTextAsync("Rows 51–60 · end of results");
    }

    [Test]
    public async Task Service_filter_narrows_the_table_to_that_service_and_goes_into_the_url()
    {
        await OpenAsync();
        await Expect(Rows).ToHaveCountAsync(50);
        await Expect(Rows.First.Locator(".row-service")).ToHaveTextAsync(Ingest.SystemName);

        await ByTestId("filter-service").FillAsync(Ingest.SystemName);
        await ByTestId("filter-service").PressAsync("Enter");

        await Expect(Page).ToHaveURLAsync(new Regex($"service={Ingest.SystemName}"));
        await Expect(Rows).ToHaveCountAsync(50);
        await Expect(Rows.Locator(".row-service").Filter(new() { HasNotText = Ingest.SystemName })).ToHaveCountAsync(0);

        await ByTestId("filter-service").FillAsync("no-such-service");
        await ByTestId("filter-service").PressAsync("Enter");

        await Expect(Rows).ToHaveCountAsync(0);
        await Expect(Page.Locator(".table-message")).ToHaveTextAsync("No span matches these filters.");
        await ScreenshotAsync("trace-table-service-filter");
    }

    [Test]
    public async Task A_rows_trace_link_opens_its_whole_trace_in_one_click()
    {
        await OpenAsync();
        var row = Rows.Nth(3);
        var spanId = await row.GetAttributeAsync("data-span-id");

        await row.Locator("[data-testid='row-trace-link']").ClickAsync();

        await Expect(Page).ToHaveURLAsync(new Regex("view=trace&trace=[0-9a-f]{32}"));
        await Expect(ByTestId("waterfall").Locator($"[data-testid='waterfall-row'][data-span-id='{spanId}']")).ToHaveCountAsync(1);
        await Expect(ByTestId("span-detail")).ToBeHiddenAsync();
    }

    [Test]
    public async Task Status_filter_shows_only_failed_spans()
    {
        await OpenAsync();
        await ByTestId("filter-status").SelectOptionAsync("ERR");

        // The failed charges and the one failing comment span.
        await Expect(Rows).ToHaveCountAsync(Dataset.FailedCharges + 1);
        await Expect(Rows.Locator(".col-status").Filter(new() { HasNotText = "ERR" })).ToHaveCountAsync(0);
        await Expect(Page).ToHaveURLAsync(new Regex("status=ERR"));
        await ScreenshotAsync("trace-table-errors");
    }

    [Test]
    public async Task Text_search_finds_a_captured_value()
    {
        await OpenAsync();
        await ByTestId("filter-search").FillAsync("c-17");

        await Expect(Rows).ToHaveCountAsync(1);
        await Expect(Rows.First.Locator(".col-process")).ToHaveTextAsync(Dataset.PlaceOrder);
        await Expect(Rows.First.Locator(".col-value")).ToContainTextAsync("c-17");
        await Expect(Page).ToHaveURLAsync(new Regex("q=c-17"));
    }

    [Test]
    public async Task Time_range_keeps_only_spans_inside_it()
    {
        var now = DashboardFixture.Data.Now;
        await OpenAsync();
        await ByTestId("filter-from").FillAsync(now.AddHours(-4).ToString("yyyy-MM-dd'T'HH:mm:ss"));
        await ByTestId("filter-to").FillAsync(now.AddHours(-2).ToString("yyyy-MM-dd'T'HH:mm:ss"));

        await Expect(Rows).ToHaveCountAsync(Dataset.NightlySpans);
        await Expect(Rows.Locator(".col-process").Filter(new() { HasNotText = Dataset.Nightly })).ToHaveCountAsync(0);

        await ByTestId("filter-from").FillAsync(now.AddHours(-1).ToString("yyyy-MM-dd'T'HH:mm:ss"));
        await ByTestId("filter-to").FillAsync("");
        await ByTestId("filter-process").FillAsync(Dataset.Nightly);
        await ByTestId("filter-process").PressAsync("Enter");
        await Expect(Page.Locator(".table-message")).ToHaveTextAsync("No span matches these filters.");
        await Expect(Rows).ToHaveCountAsync(0);
    }

    [Test]
    public async Task Paging_reaches_the_last_page_and_previous_comes_back()
    {
        await OpenAsync($"/?process={Dataset.Reserve}");
        await Expect(Rows).ToHaveCountAsync(50);
        var firstOfPage2 = "";

        await ByTestId("next-page").ClickAsync();
        await Expect(ByTestId("page-summary")).ToHaveTextAsync("Rows 51–100 · more available");
        firstOfPage2 = (await Rows.First.GetAttributeAsync("data-span-id"))!;
        await ByTestId("next-page").ClickAsync();

        await Expect(Rows).ToHaveCountAsync(Dataset.OrderTraces * Dataset.ReservesPerTrace - 100);
        await Expect(ByTestId("page-summary")).ToHaveTextAsync("Rows 101–120 · end of results");
        await Expect(ByTestId("next-page")).ToBeDisabledAsync();
        await ScreenshotAsync("trace-table-last-page");

        await ByTestId("previous-page").ClickAsync();
        await Expect(ByTestId("page-summary")).ToHaveTextAsync("Rows 51–100 · more available");
        (await Rows.First.GetAttributeAsync("data-span-id")).ShouldBe(firstOfPage2);
    }

    [Test]
    public async Task A_link_with_filters_reproduces_the_view()
    {
        await OpenAsync();
        await ByTestId("filter-status").SelectOptionAsync("ERR");
        await ByTestId("filter-process").FillAsync(Dataset.Charge);
        await ByTestId("filter-process").PressAsync("Enter");
        await Expect(Rows).ToHaveCountAsync(Dataset.FailedCharges);
        var link = Page.Url;

        var other = await Page.Context.NewPageAsync();
        await other.GotoAsync(link);

        var rows = other.Locator("[data-testid='trace-row']");
        await Expect(rows).ToHaveCountAsync(Dataset.FailedCharges);
        await Expect(other.Locator("[data-testid='filter-status']")).ToHaveValueAsync("ERR");
        await Expect(other.Locator("[data-testid='filter-process']")).ToHaveValueAsync(Dataset.Charge);
        var ids = await rows.EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.spanId)");
        ids.Distinct().Count().ShouldBe(Dataset.FailedCharges);
    }
}
