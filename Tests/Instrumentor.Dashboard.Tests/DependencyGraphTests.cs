using System.Threading.Tasks;
using Instrumentor.Dashboard.Tests.Infrastructure;

namespace Instrumentor.Dashboard.Tests;

public sealed class DependencyGraphTests : DashboardTest
{
    [Test]
    public async Task Graph_lays_out_every_process_with_its_parent_child_edges_and_counts()
    {
        await OpenAsync("/?view=graph");

        var graph = ByTestId("dependency-graph");
        await Expect(graph.Locator("canvas").First).ToBeVisibleAsync();
        // The last hour by default: every process of the dataset but the nightly report of 3 hours ago.
        await Expect(graph).ToHaveAttributeAsync("data-nodes", "8");
        await Expect(Page.Locator($".graph-table tr[data-process='{Dataset.Nightly}']")).ToHaveCountAsync(0);
        // PlaceOrder → PriceOrder, Reserve, Charge; Run → ImportChunk → ImportRow.
        await Expect(graph).ToHaveAttributeAsync("data-edges", "5");
        var charge = Page.Locator($".graph-table tr[data-process='{Dataset.Charge}'] td");
        await Expect(charge.Nth(1)).ToHaveTextAsync(Dataset.OrderTraces.ToString());
        await Expect(charge.Nth(2)).ToHaveTextAsync(Dataset.FailedCharges.ToString());
        await Expect(charge.Nth(4)).ToContainTextAsync("ago");
        await ScreenshotAsync("dependency-graph");
        PageErrors.ShouldBeEmpty();
    }

    [Test]
    public async Task Graph_follows_the_time_range_of_the_url()
    {
        var now = DashboardFixture.Data.Now;
        await OpenAsync($"/?view=graph&from={now.AddHours(-4):yyyy-MM-dd'T'HH:mm:ss'Z'}&to={now.AddHours(-2):yyyy-MM-dd'T'HH:mm:ss'Z'}");

        await Expect(ByTestId("dependency-graph")).ToHaveAttributeAsync("data-nodes", "1");
        await Expect(Page.Locator($".graph-table tr[data-process='{Dataset.Nightly}'] td").Nth(1)).ToHaveTextAsync(Dataset.NightlySpans.ToString());
    }
}
