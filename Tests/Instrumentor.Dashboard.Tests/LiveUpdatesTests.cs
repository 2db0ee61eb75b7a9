using System;
using System.Threading.Tasks;
using Instrumentor.Dashboard.Tests.Infrastructure;

namespace Instrumentor.Dashboard.Tests;

public sealed class LiveUpdatesTests : DashboardTest
{
    private static TestSpan LiveSpan(string process, string value) =>
        new(Ids.Trace(), Ids.Span(), null, process, DateTime.UtcNow, 1.25, Data: [("probe", "INPUT", value)]);

    [Test]
    public async Task A_new_span_appears_on_top_without_moving_the_row_being_read()
    {
        await OpenAsync();
        await Expect(Rows).ToHaveCountAsync(50);
        await Expect(ByTestId("live-state")).ToHaveTextAsync("live: on");
        await Page.EvaluateAsync("window.scrollTo(0, 600)");
        var anchor = await Page.EvaluateAsync<string>(
            "[...document.querySelectorAll('[data-testid=trace-row]')].find(r => r.getBoundingClientRect().top >= 0).dataset.spanId");
        var before = await Page.Locator($"[data-span-id='{anchor}']").EvaluateAsync<double>("r => r.getBoundingClientRect().top");

        using var ingest = new Ingest(BaseAddress);
        await ingest.StreamAsync(LiveSpan("Live.Probe.Arrived", "first"));

        await Expect(Rows.First.Locator(".col-process")).ToHaveTextAsync("Live.Probe.Arrived");
        await Expect(Rows).ToHaveCountAsync(51);
        var after = await Page.Locator($"[data-span-id='{anchor}']").EvaluateAsync<double>("r => r.getBoundingClientRect().top");
        after.ShouldBe(before, tolerance: 1.0);
        await Page.EvaluateAsync("window.scrollTo(0, 0)");
        await ScreenshotAsync("live-row");
    }

    [Test]
    public async Task Paused_live_feed_counts_new_spans_instead_of_adding_them()
    {
        await OpenAsync();
        await Expect(Rows).ToHaveCountAsync(50);
        await Expect(ByTestId("live-state")).ToHaveTextAsync("live: on");
        await ByTestId("live-pause").ClickAsync();
        await Expect(ByTestId("live-state")).ToHaveTextAsync("live: paused");

        using var ingest = new Ingest(BaseAddress);
        await ingest.StreamAsync(LiveSpan("Live.Probe.WhilePaused", "second"));

        await Expect(Page.Locator(".live-note")).ToHaveTextAsync("1 new span: show newest");
        await Expect(Rows.Filter(new() { HasText = "Live.Probe.WhilePaused" })).ToHaveCountAsync(0);
        await Page.Locator(".live-note").ClickAsync();
        await Expect(Rows.Filter(new() { HasText = "Live.Probe.WhilePaused" })).ToHaveCountAsync(1);
    }
}
