using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;

namespace Instrumentor.Collector.Tests.Alerts.Reload;

public class AlertReloaderTests
{
    private const string OneRule = """
        [alerts]
        check_interval_seconds = 0.3
        [[alerts.rule]]
        name = "first"
        query = "SELECT 0"
        threshold = 1
        """;

    [Test]
    public async Task A_bad_edit_keeps_the_old_rules_and_says_why_and_a_good_edit_takes_over()
    {
        await using AlertsHarness alerts = await AlertsHarness.StartAsync(OneRule);

        await File.WriteAllTextAsync(alerts.AlertsFile, OneRule + "\n[[alerts.rule]]\nname = \"second\"\nthreshold = 1\n");
        JsonElement refused = await alerts.WaitForAnswerAsync(a => a.GetProperty("reload_error").ValueKind == JsonValueKind.String, "a reload error");
        refused.GetProperty("reload_error").GetString()!.ShouldContain("rule 'second': missing query");
        refused.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("name").GetString()).ShouldBe(["first"]);
        alerts.Output.Lines().ShouldContain(l => l.Contains("\"event\":\"alert.reload_failed\"", System.StringComparison.Ordinal)
            && l.Contains("keeping the 1 rule(s) in force", System.StringComparison.Ordinal));

        await File.WriteAllTextAsync(alerts.AlertsFile, OneRule + "\n[[alerts.rule]]\nname = \"second\"\nquery = \"SELECT 5\"\nthreshold = 1\n");
        JsonElement applied = await alerts.WaitForAnswerAsync(a => a.GetProperty("items").GetArrayLength() == 2, "the second rule");
        applied.GetProperty("reload_error").ValueKind.ShouldBe(JsonValueKind.Null);
        await alerts.WaitForRuleAsync("second", r => r.GetProperty("state").GetString() == "firing", "firing");
        (await alerts.RuleAsync("first")).GetProperty("evaluations").GetInt64().ShouldBeGreaterThan(1, "the kept rule kept its state");
    }
}
