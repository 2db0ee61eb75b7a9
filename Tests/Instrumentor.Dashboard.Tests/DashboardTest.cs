using System;
using System.Collections.Generic;
using System.IO;
using System.Threading.Tasks;
using Microsoft.Playwright;

namespace Instrumentor.Dashboard.Tests;

/// <summary>
/// A fresh browser context and page per test on the shared collector; records page errors, console errors
/// (a Content-Security-Policy violation is one) and dialogs, so a test can assert that nothing ran.
/// </summary>
public abstract class DashboardTest
{
    private IBrowserContext _context = null!;

    protected IPage Page { get; private set; } = null!;

    protected List<string> PageErrors { get; } = [];

    protected List<string> Dialogs { get; } = [];

    protected Uri BaseAddress => DashboardFixture.Server.BaseAddress;

    [SetUp]
    public async Task OpenPageAsync()
    {
        PageErrors.Clear();
        Dialogs.Clear();
        _context = await DashboardFixture.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 1400, Height = 900 },
            TimezoneId = "UTC",
        });
        _context.SetDefaultTimeout(20_000);
        Page = await _context.NewPageAsync();
        Page.PageError += (_, error) => PageErrors.Add(error);
        Page.Console += (_, message) =>
        {
            if (message.Type == "error") PageErrors.Add(message.Text);
        };
        Page.Dialog += (_, dialog) =>
        {
            Dialogs.Add(dialog.Message);
            _ = dialog.DismissAsync();
        };
    }

    [TearDown]
    public async Task ClosePageAsync()
    {
        await _context.CloseAsync();
    }

    /// <summary>Opens a dashboard URL ("/", "/?view=graph", …).</summary>
    protected async Task OpenAsync(string pathAndQuery = "/")
    {
        await Page.GotoAsync(new Uri(BaseAddress, pathAndQuery).ToString());
    }

    protected ILocator ByTestId(string testId) => Page.Locator($"[data-testid='{testId}']");

    protected ILocator Rows => Page.Locator("[data-testid='trace-table'] [data-testid='trace-row']");

    /// <summary>Saves a screenshot of the page as an artifact of the test.</summary>
    protected async Task ScreenshotAsync(string name)
    {
        var directory = Path.Combine(TestContext.CurrentContext.WorkDirectory, "screenshots");
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, $"{name}.png");
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = false });
        TestContext.AddTestAttachment(path, name);
    }

    protected static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);

    protected static IPageAssertions Expect(IPage page) => Assertions.Expect(page);
}
