using System;
using System.Threading.Tasks;
using Instrumentor.Dashboard.Tests.Infrastructure;

namespace Instrumentor.Dashboard.Tests;

/// <summary>A collector started with <c>--read-key</c>: the page loads, asks for the key, then reads the API with it.</summary>
public sealed class ReadKeyTests : DashboardTest
{
    private const string ReadKey = "read-secret-42";

    [Test]
    public async Task Dashboard_asks_for_the_read_key_and_shows_the_traces_once_it_is_given()
    {
        await using var server = await CollectorServer.StartAsync("--read-key", ReadKey);
        using (var ingest = new Ingest(server.BaseAddress))
        {
            await ingest.BatchesAsync([new TestSpan(Ids.Trace(), Ids.Span(), null, "Keyed.Service.Call", DateTime.UtcNow, 2, Data: [("who", "INPUT", "keyed")])]);
        }

        await Page.GotoAsync(server.BaseAddress.ToString());

        await Expect(ByTestId("read-key")).ToBeVisibleAsync();
        await Expect(Rows).ToHaveCountAsync(0);
        await ScreenshotAsync("read-key-prompt");

        await ByTestId("read-key").FillAsync("wrong-key");
        await ByTestId("read-key-submit").ClickAsync();
        await Expect(ByTestId("read-key")).ToBeVisibleAsync();
        await Expect(Page.Locator(".key-panel")).ToContainTextAsync("The key given was refused.");

        await ByTestId("read-key").FillAsync(ReadKey);
        await ByTestId("read-key-submit").ClickAsync();

        await Expect(Rows).ToHaveCountAsync(1);
        await Expect(Rows.First.Locator(".col-process")).ToHaveTextAsync("Keyed.Service.Call");
        await Expect(ByTestId("queue-depth")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^\d"));
        await Expect(ByTestId("live-state")).ToHaveTextAsync("live: on");
    }
}
