using System.Text.Json;
using System.Threading.Tasks;
using Instrumentor.Collector.Tests.Alerts;

namespace Instrumentor.Collector.Tests.Store.Postgres;

/// <summary><c>serve --postgres --alerts</c>: the rules run as PostgreSQL SQL on the store the collector writes.</summary>
public class PostgresAlertsTests
{
    private const string Rule = """
        [alerts]
        check_interval_seconds = 0.3
        [[alerts.rule]]
        name = "db_errors"
        query = "SELECT count(*) FROM process_trace WHERE status = 'ERR' AND process = 'Shop.Db.Save' AND ts > now() - interval '1 minute'"
        threshold = 1
        action = "log"
        """;

    [Test]
    public async Task A_PostgreSQL_rule_fires_after_an_error_span_is_ingested()
    {
        await using AlertsHarness alerts = await AlertsHarness.StartAsync(Rule, PostgresServer.NewDatabase("alerts"));
        JsonElement before = await alerts.WaitForRuleAsync("db_errors", r => r.GetProperty("evaluations").GetInt64() >= 1, "a first evaluation");
        before.GetProperty("state").GetString().ShouldBe("ok");

        await alerts.PostSpanAsync("ERR", process: "Shop.Db.Save", exception: "System.TimeoutException: db");

        JsonElement fired = await alerts.WaitForRuleAsync("db_errors", r => r.GetProperty("state").GetString() == "firing", "firing");
        fired.GetProperty("last_value").GetDouble().ShouldBe(1);
    }
}
