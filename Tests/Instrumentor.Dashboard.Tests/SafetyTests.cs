using System.Net.Http;
using System.Threading.Tasks;
using Instrumentor.Dashboard.Tests.Infrastructure;

namespace Instrumentor.Dashboard.Tests;

public sealed class SafetyTests : DashboardTest
{
    [Test]
    public async Task Markup_in_stored_values_is_shown_as_text_and_runs_nothing()
    {
        await OpenAsync($"/?process={Dataset.Comments}");
        await Expect(Rows).ToHaveCountAsync(2);

        await Expect(Rows.Locator(".col-value").Filter(new() { HasText = Dataset.ImgPayload })).ToHaveCountAsync(1);
        await Expect(Rows.Locator(".col-value").Filter(new() { HasText = Dataset.ScriptPayload })).ToHaveCountAsync(2);
        await Expect(Page.Locator("main img")).ToHaveCountAsync(0);
        await Expect(Page.Locator("body script")).ToHaveCountAsync(0);

        await Rows.Filter(new() { Has = Page.Locator(".status-err") }).ClickAsync();
        await Expect(ByTestId("detail-exception")).ToContainTextAsync(Dataset.ImgPayload);
        await Expect(ByTestId("detail-exception")).ToContainTextAsync(Dataset.ScriptPayload);
        await Expect(ByTestId("detail-inputs").Locator("pre")).ToHaveTextAsync(Dataset.ScriptPayload);
        await Expect(ByTestId("span-detail").Locator("img")).ToHaveCountAsync(0);
        await ScreenshotAsync("xss-as-text");

        (await Page.EvaluateAsync<bool>("() => window.__instrumentorXss === undefined")).ShouldBeTrue();
        Dialogs.ShouldBeEmpty();
        PageErrors.ShouldBeEmpty();
    }

    [Test]
    public async Task The_page_is_served_with_a_policy_that_forbids_inline_scripts()
    {
        using var client = new HttpClient { BaseAddress = BaseAddress };
        using var response = await client.GetAsync("/");

        response.EnsureSuccessStatusCode();
        var policy = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
        policy.ShouldContain("script-src 'self'");
        policy.ShouldNotContain("unsafe-inline");
        (await response.Content.ReadAsStringAsync()).ShouldContain("/assets/app.js");
        using var script = await client.GetAsync("/assets/app.js");
        script.EnsureSuccessStatusCode();
        script.Content.Headers.ContentType!.MediaType.ShouldBe("text/javascript");
    }
}
