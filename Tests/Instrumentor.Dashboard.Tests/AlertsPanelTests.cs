using System;
using System.IO;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using Instrumentor.Dashboard.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Instrumentor.Dashboard.Tests;

/// <summary>
/// A collector started with <c>--alerts</c>: the alerts view shows each rule's state, last value, last evaluation and
/// history, and follows a rule from ok to firing when an error span arrives.
/// </summary>
public sealed class AlertsPanelTests : DashboardTest
{
    [Test]
    public async Task Alerts_view_shows_state_last_value_last_evaluation_and_history_and_follows_a_firing()
    {
        string directory = Path.Combine(Path.GetTempPath(), "instrumentor-alerts-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        string rules = Path.Combine(directory, "alerts.toml");
        await File.WriteAllTextAsync(rules, """
            [alerts]
            check_interval_seconds = 0.5

            [[alerts.rule]]
            name = "checkout_errors"
            query = "SELECT COUNT(*) FROM process_trace WHERE status='ERR' AND process = 'Alerted.Checkout.Pay'"
            threshold = 1
            action = "log"
            severity = "critical"

            [[alerts.rule]]
            name = "broken_rule"
            query = "SELECT COUNT(*) FROM no_such_table"
            threshold = 1
            """);
        try
        {
            await using var server = await CollectorServer.StartAsync("--alerts", rules);
            await Page.GotoAsync(new Uri(server.BaseAddress, "/?view=alerts").ToString());

            ILocator panel = ByTestId("alerts");
            await Expect(panel).ToBeVisibleAsync();
            ILocator checkout = panel.Locator("[data-testid='alert-rule'][data-rule='checkout_errors']");
            ILocator broken = panel.Locator("[data-testid='alert-rule'][data-rule='broken_rule']");
            await Expect(checkout.Locator("[data-testid='alert-state']")).ToHaveTextAsync("ok");
            await Expect(checkout.Locator("[data-testid='alert-last-value']")).ToHaveTextAsync("0");
            await Expect(checkout.Locator("[data-testid='alert-last-evaluation']")).ToHaveTextAsync(new Regex(@"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}$"));
            await Expect(checkout.Locator("[data-testid='alert-history']")).ToHaveTextAsync("No events yet.");
            await Expect(broken.Locator("[data-testid='alert-state']")).ToHaveTextAsync("failed");
            await Expect(broken.Locator("[data-testid='alert-error']")).ToContainTextAsync("no_such_table");

            using (var ingest = new Ingest(server.BaseAddress))
            {
                await ingest.BatchesAsync([
                    new TestSpan(Ids.Trace(), Ids.Span(), null, "Alerted.Checkout.Pay", DateTime.UtcNow, 3, "ERR", "System.InvalidOperationException: declined"),
                    new TestSpan(Ids.Trace(), Ids.Span(), null, "Alerted.Checkout.Pay", DateTime.UtcNow, 2, "ERR", "System.InvalidOperationException: declined"),
                ]);
            }

            // The page polls: no reload needed to see the rule fire.
            await Expect(checkout.Locator("[data-testid='alert-state']")).ToHaveTextAsync("firing");
            await Expect(checkout.Locator("[data-testid='alert-last-value']")).ToHaveTextAsync("2");
            ILocator events = checkout.Locator("[data-testid='alert-event']");
            await Expect(events).ToHaveCountAsync(1);
            await Expect(events.First).ToHaveAttributeAsync("data-event", "firing");
            await Expect(events.First).ToContainTextAsync("2");
            await Expect(ByTestId("alerts-summary")).ToContainTextAsync("1 firing");
            await Expect(ByTestId("nav-alerts")).ToHaveClassAsync(new Regex(@"\bactive\b"));
            await ScreenshotAsync("alerts-firing");
            Assert.That(PageErrors, Is.Empty, string.Join("\n", PageErrors));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Test]
    public async Task Alerts_view_without_rules_says_how_to_add_them()
    {
        await OpenAsync("/?view=alerts");

        await Expect(ByTestId("alerts")).ToBeVisibleAsync();
        await Expect(ByTestId("alerts-summary")).ToContainTextAsync("--alerts");
        await Expect(ByTestId("alert-rule")).ToHaveCountAsync(0);
    }
}
