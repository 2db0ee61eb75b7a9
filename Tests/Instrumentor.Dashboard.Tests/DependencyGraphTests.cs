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
        await Expect(graph).ToHaveAttributeAsync("data-nodes", "9");
        // PlaceOrder → PriceOrder, Reserve, Charge; Run → ImportChunk → ImportRow.
        await Expect(graph).ToHaveAttributeAsync("data-edges", "5");
        var charge = Page.Locator($".graph-table tr[data-process='{Dataset.Charge}'] td");
        await Expect(charge.Nth(1)).ToHaveTextAsync(Dataset.OrderTraces.ToString());
        await Expect(charge.Nth(2)).ToHaveTextAsync(Dataset.FailedCharges.ToString());
        await Expect(charge.Nth(4)).ToContainTextAsync("ago");
        await ScreenshotAsync("dependency-graph");
        PageErrors.ShouldBeEmpty();
    }
}
