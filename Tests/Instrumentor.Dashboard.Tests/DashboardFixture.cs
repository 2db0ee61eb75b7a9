using System;
using System.Threading.Tasks;
using Instrumentor.Dashboard.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Instrumentor.Dashboard.Tests;

/// <summary>
/// One collector with the <see cref="Dataset"/> ingested and one chromium for the whole run: starting them is
/// the slow part, and the tests only read (the live tests add spans of their own process names).
/// </summary>
[SetUpFixture]
public sealed class DashboardFixture
{
    private const string Chromium = "/usr/bin/chromium";

    internal static CollectorServer Server { get; private set; } = null!;

    internal static Dataset Data { get; private set; } = null!;

    internal static IPlaywright Playwright { get; private set; } = null!;

    internal static IBrowser Browser { get; private set; } = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        // Generous: the test machine may be busy; a passing assertion returns as soon as it holds.
        Assertions.SetDefaultExpectTimeout(20_000);
        if (!System.IO.File.Exists(Chromium))
        {
            Assert.Fail($"{Chromium} is missing: apt-get install -y chromium (test.sh does it).");
        }
        Server = await CollectorServer.StartAsync();
        Data = new Dataset(DateTime.UtcNow);
        using (var ingest = new Ingest(Server.BaseAddress))
        {
            await ingest.BatchesAsync(Data.Spans);
            await ingest.LogsAsync(Data.Logs);
            await ingest.SessionsAsync(Data.SessionsBatch());
        }
        Playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        Browser = await LaunchAsync(Playwright);
    }

    /// <summary>Debian's chromium, headless, with nothing that reaches out to the network.</summary>
    internal static Task<IBrowser> LaunchAsync(IPlaywright playwright) => playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
    {
        ExecutablePath = Chromium,
        Headless = true,
        Args =
        [
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync",
        ],
    });

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        if (Browser is not null) await Browser.CloseAsync();
        Playwright?.Dispose();
        if (Server is not null) await Server.DisposeAsync();
    }
}
