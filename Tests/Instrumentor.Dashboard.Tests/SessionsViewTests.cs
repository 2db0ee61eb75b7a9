using System.Text.RegularExpressions;
using System.Threading.Tasks;
using Instrumentor.Dashboard.Tests.Infrastructure;

namespace Instrumentor.Dashboard.Tests;

/// <summary>The sessions view over sessions posted to <c>/v1/sessions</c> by the fixture (<see cref="Dataset.SessionsBatch"/>).</summary>
public sealed class SessionsViewTests : DashboardTest
{
    private Microsoft.Playwright.ILocator SessionRows => ByTestId("sessions").Locator("[data-testid='session-row']");

    [Test]
    public async Task Sessions_list_newest_first_in_pages_and_filter_by_experiment()
    {
        await OpenAsync("/");
        await ByTestId("nav-sessions").ClickAsync();

        await Expect(ByTestId("sessions")).ToBeVisibleAsync();
        await Expect(SessionRows).ToHaveCountAsync(Dataset.PlainSessions);
        await Expect(SessionRows.First).ToHaveAttributeAsync("data-session", $"chat-session-{Dataset.PlainSessions + Dataset.ExperimentSessions - 1}");
        await Expect(ByTestId("sessions-summary")).ToContainTextAsync("more available");
        await ScreenshotAsync("sessions");

        await ByTestId("session-next-page").ClickAsync();
        await Expect(Page).ToHaveURLAsync(new Regex("view=sessions&cursor="));
        await Expect(SessionRows).ToHaveCountAsync(Dataset.ExperimentSessions);
        await Expect(SessionRows.Last).ToHaveAttributeAsync("data-session", Dataset.AgentSession);
        await Expect(ByTestId("session-next-page")).ToBeDisabledAsync();

        await ByTestId("session-first-page").ClickAsync();
        await Expect(SessionRows).ToHaveCountAsync(Dataset.PlainSessions);
        await ByTestId("session-filter-experiment").FillAsync(Dataset.Experiment);
        await Expect(SessionRows).ToHaveCountAsync(Dataset.ExperimentSessions);
        await Expect(Page).ToHaveURLAsync(new Regex($"experiment={Dataset.Experiment}"));
        await Expect(SessionRows.First.Locator("td").Nth(2)).ToHaveTextAsync(Dataset.Experiment);
        PageErrors.ShouldBeEmpty();
    }

    [Test]
    public async Task A_session_opens_as_a_timeline_of_its_steps_messages_and_calls_with_a_link_to_the_trace()
    {
        await OpenAsync("/?view=sessions&experiment=" + Dataset.Experiment);
        await SessionRows.Last.ClickAsync();

        var detail = ByTestId("session-detail");
        await Expect(Page).ToHaveURLAsync(new Regex($"session={Dataset.AgentSession}"));
        await Expect(detail.Locator("[data-testid='session-id']")).ToHaveTextAsync(Dataset.AgentSession);
        await Expect(detail.Locator("[data-testid='session-totals']")).ToContainTextAsync("2 step(s), 2 event(s), 2 message(s)");
        await Expect(detail.Locator("[data-testid='session-totals']")).ToContainTextAsync("$0.0070");
        var steps = detail.Locator("[data-testid='session-timestep']");
        await Expect(steps).ToHaveCountAsync(2);
        await Expect(steps.Nth(0)).ToHaveAttributeAsync("data-step", "plan");
        await Expect(steps.Nth(1)).ToHaveAttributeAsync("data-step", "answer");
        await Expect(steps.Nth(0).Locator("[data-testid='session-message']")).ToContainTextAsync(Dataset.Question);
        await Expect(steps.Nth(0).Locator("[data-testid='session-event']")).ToContainTextAsync("LLM call");
        await Expect(steps.Nth(0).Locator("[data-testid='session-event']")).ToContainTextAsync("gpt-4o");
        await Expect(steps.Nth(1).Locator("[data-testid='session-message']")).ToContainTextAsync("It ships today " + Dataset.ImgPayload);
        await Expect(detail.Locator("img")).ToHaveCountAsync(0);
        await ScreenshotAsync("session-detail");
        Dialogs.ShouldBeEmpty();

        await detail.Locator("[data-testid='session-trace-link']").ClickAsync();
        await Expect(Page).ToHaveURLAsync(new Regex($"view=trace&trace={DashboardFixture.Data.OrderTrace17}"));
        await Expect(ByTestId("waterfall").Locator("[data-testid='waterfall-row']").First).ToContainTextAsync("OrderService.PlaceOrder");
        PageErrors.ShouldBeEmpty();
    }
}
