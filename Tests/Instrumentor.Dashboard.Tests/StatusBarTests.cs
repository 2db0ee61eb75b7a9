using System.Text.RegularExpressions;
using System.Threading.Tasks;

namespace Instrumentor.Dashboard.Tests;

public sealed class StatusBarTests : DashboardTest
{
    [Test]
    public async Task Status_bar_shows_queue_depth_error_rate_and_write_lag()
    {
        await OpenAsync();

        await Expect(ByTestId("status-bar")).ToBeVisibleAsync();
        await Expect(ByTestId("queue-depth")).ToHaveTextAsync(new Regex(@"^\d[\d,]*$"));
        await Expect(ByTestId("error-rate")).ToHaveTextAsync(new Regex(@"^\d+(\.\d)?%$"));
        await Expect(ByTestId("write-lag")).ToHaveTextAsync(new Regex(@"^\d+(\.\d+)? (µs|ms|s)$"));
        await Expect(ByTestId("spans-total")).ToHaveTextAsync(new Regex(@"^\d{1,3}(,\d{3})+$"));
    }
}
