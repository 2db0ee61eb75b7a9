using System;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;

namespace Instrumentor.Collector.Tests.Alerts;

/// <summary>The rules of <c>serve --alerts</c> against a real collector and a real webhook receiver on 127.0.0.1.</summary>
public class AlertEngineTests
{
    private static string ErrorRule(Uri url, string window = "-2 seconds") => $$"""
        [alerts]
        check_interval_seconds = 0.3
        [[alerts.rule]]
        name = "unhandled_exception"
        query = "SELECT COUNT(*) FROM process_trace WHERE status='ERR' AND ts > datetime('now', '{{window}}')"
        threshold = 1
        action = "webhook"
        url = "{{url}}"
        severity = "critical"
        """;

    [Test]
    public async Task A_rule_fires_within_two_intervals_of_the_first_error_resolves_when_errors_stop_and_fires_again()
    {
        await using WebhookReceiver receiver = await WebhookReceiver.StartAsync();
        await using AlertsHarness alerts = await AlertsHarness.StartAsync(ErrorRule(receiver.Url));
        JsonElement before = await alerts.WaitForRuleAsync("unhandled_exception", r => r.GetProperty("evaluations").GetInt64() >= 1, "a first evaluation");
        before.GetProperty("state").GetString().ShouldBe("ok");
        await alerts.PostSpanAsync("OK");

        await alerts.PostSpanAsync("ERR", process: "Shop.Orders.Place", exception: "System.InvalidOperationException: out of stock");
        long committedAt = (await alerts.RuleAsync("unhandled_exception")).GetProperty("evaluations").GetInt64();

        JsonElement fired = await receiver.NextAsync(AlertsHarness.Patience);
        fired.GetProperty("rule").GetString().ShouldBe("unhandled_exception");
        fired.GetProperty("state").GetString().ShouldBe("firing");
        fired.GetProperty("value").GetDouble().ShouldBe(1);
        fired.GetProperty("threshold").GetDouble().ShouldBe(1);
        fired.GetProperty("severity").GetString().ShouldBe("critical");
        DateTimeOffset.Parse(fired.GetProperty("at").GetString()!, System.Globalization.CultureInfo.InvariantCulture)
            .ShouldBeInRange(DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow);
        JsonElement sample = fired.GetProperty("sample").EnumerateArray().ShouldHaveSingleItem();
        sample.GetProperty("process").GetString().ShouldBe("Shop.Orders.Place");
        sample.GetProperty("status").GetString().ShouldBe("ERR");
        sample.GetProperty("exception").GetString()!.ShouldContain("out of stock");

        JsonElement firing = await alerts.RuleAsync("unhandled_exception");
        JsonElement firedEntry = firing.GetProperty("history").EnumerateArray().Single(h => h.GetProperty("event").GetString() == "firing");
        // The evaluation running when the span committed may have missed it; the next one must not.
        firedEntry.GetProperty("evaluation").GetInt64().ShouldBeLessThanOrEqualTo(committedAt + 2);
        firing.GetProperty("last_value").GetDouble().ShouldBe(1);

        // No more errors: once the error is older than the rule's window the rule resolves, once.
        JsonElement resolved = await receiver.NextAsync(AlertsHarness.Patience);
        resolved.GetProperty("state").GetString().ShouldBe("resolved");
        resolved.GetProperty("value").GetDouble().ShouldBe(0);
        resolved.TryGetProperty("sample", out _).ShouldBeFalse();
        (await alerts.RuleAsync("unhandled_exception")).GetProperty("state").GetString().ShouldBe("ok");

        await alerts.PostSpanAsync("ERR");
        JsonElement again = await receiver.NextAsync(AlertsHarness.Patience);
        again.GetProperty("state").GetString().ShouldBe("firing");

        JsonElement rule = await alerts.WaitForRuleAsync("unhandled_exception", r => r.GetProperty("firings").GetInt64() == 2, "two firings");
        rule.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("event").GetString())
            .ShouldBe(["firing", "resolved", "firing"], "history is newest first, one entry per change");
        receiver.Pending().ShouldBeEmpty("firing and resolving are each sent once");
    }

    [Test]
    public async Task The_log_action_writes_one_json_line_when_a_rule_fires_and_one_when_it_resolves()
    {
        await using AlertsHarness alerts = await AlertsHarness.StartAsync("""
            [alerts]
            check_interval_seconds = 0.3
            [[alerts.rule]]
            name = "errors"
            query = "SELECT COUNT(*) FROM process_trace WHERE status='ERR' AND ts > datetime('now', '-1 seconds')"
            threshold = 1
            action = "log"
            """);

        await alerts.PostSpanAsync("ERR");
        await alerts.WaitForRuleAsync("errors", r => r.GetProperty("history").GetArrayLength() >= 2, "firing and resolved");

        JsonElement[] lines = alerts.Output.Lines().Select(l => JsonDocument.Parse(l).RootElement.Clone())
            .Where(l => l.GetProperty("event").GetString()!.StartsWith("alert.", StringComparison.Ordinal))
            .Where(l => l.GetProperty("event").GetString() is "alert.firing" or "alert.resolved")
            .ToArray();
        lines.Select(l => l.GetProperty("event").GetString()).ShouldBe(["alert.firing", "alert.resolved"]);
        lines[0].GetProperty("rule").GetString().ShouldBe("errors");
        lines[0].GetProperty("level").GetString().ShouldBe("warning");
        lines[0].GetProperty("value").GetDouble().ShouldBe(1);
        lines[0].GetProperty("threshold").GetDouble().ShouldBe(1);
    }

    [Test]
    public async Task A_webhook_that_fails_at_first_is_retried_until_it_is_delivered()
    {
        await using WebhookReceiver receiver = await WebhookReceiver.StartAsync(failFirst: 2);
        await using AlertsHarness alerts = await AlertsHarness.StartAsync(ErrorRule(receiver.Url, window: "-1 hours"));

        await alerts.PostSpanAsync("ERR");

        JsonElement fired = await receiver.NextAsync(AlertsHarness.Patience);
        fired.GetProperty("state").GetString().ShouldBe("firing");
        receiver.Attempts.ShouldBe(3, "two 503 answers, then the delivery");
        (await alerts.RuleAsync("unhandled_exception")).GetProperty("action_error").ValueKind.ShouldBe(JsonValueKind.Null);
    }

    [Test]
    public async Task A_webhook_that_never_answers_is_reported_and_evaluation_goes_on()
    {
        // A port nothing listens on: every attempt is refused.
        int port;
        using (var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        }

        await using AlertsHarness alerts = await AlertsHarness.StartAsync(ErrorRule(new Uri($"http://127.0.0.1:{port}/hook"), window: "-1 hours"));
        await alerts.PostSpanAsync("ERR");

        JsonElement failed = await alerts.WaitForRuleAsync("unhandled_exception", r => r.GetProperty("action_error").ValueKind == JsonValueKind.String,
            "a webhook error");
        failed.GetProperty("action_error").GetString()!.ShouldContain($"webhook http://127.0.0.1:{port}/hook failed after retries");
        failed.GetProperty("state").GetString().ShouldBe("firing");
        long evaluations = failed.GetProperty("evaluations").GetInt64();
        await alerts.WaitForRuleAsync("unhandled_exception", r => r.GetProperty("evaluations").GetInt64() > evaluations + 2, "more evaluations");
        alerts.Output.Lines().ShouldContain(l => l.Contains("\"event\":\"alert.webhook_failed\"", StringComparison.Ordinal));
    }

    [Test]
    public async Task A_rule_that_writes_fails_and_says_so_and_the_store_is_untouched()
    {
        await using AlertsHarness alerts = await AlertsHarness.StartAsync("""
            [alerts]
            check_interval_seconds = 0.3
            [[alerts.rule]]
            name = "vandal"
            query = "DELETE FROM span"
            threshold = 1
            [[alerts.rule]]
            name = "spans"
            query = "SELECT COUNT(*) FROM process_trace"
            threshold = 3
            """);
        await alerts.PostSpanAsync("OK");
        await alerts.PostSpanAsync("OK");
        await alerts.PostSpanAsync("OK");

        JsonElement vandal = await alerts.WaitForRuleAsync("vandal", r => r.GetProperty("state").GetString() == "failed", "failed");
        vandal.GetProperty("last_error").GetString()!.ShouldContain("tried to write, and rules run read-only");
        vandal.GetProperty("history")[0].GetProperty("event").GetString().ShouldBe("failed");
        await alerts.WaitForRuleAsync("spans", r => r.GetProperty("state").GetString() == "firing", "firing (the other rule goes on)");
        alerts.Collector.CountSpans().ShouldBe(3);
        alerts.Output.Lines().ShouldContain(l => l.Contains("\"event\":\"alert.rule_failed\"", StringComparison.Ordinal) && l.Contains("vandal", StringComparison.Ordinal));
    }

    [Test]
    public async Task A_slow_rule_is_stopped_at_its_time_limit_and_never_blocks_ingest_or_other_rules()
    {
        await using AlertsHarness alerts = await AlertsHarness.StartAsync("""
            [alerts]
            check_interval_seconds = 0.3
            query_timeout_seconds = 0.2
            [[alerts.rule]]
            name = "forever"
            query = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT max(i) FROM n"
            threshold = 1
            [[alerts.rule]]
            name = "errors"
            query = "SELECT COUNT(*) FROM process_trace WHERE status = 'ERR'"
            threshold = 1
            """);

        JsonElement slow = await alerts.WaitForRuleAsync("forever", r => r.GetProperty("state").GetString() == "failed", "failed");
        slow.GetProperty("last_error").GetString()!.ShouldContain("ran longer than its time limit of 0.2 s");

        await alerts.PostSpanAsync("ERR");
        await alerts.WaitForRuleAsync("errors", r => r.GetProperty("state").GetString() == "firing", "firing");
        alerts.Collector.CountSpans().ShouldBe(1);
    }

    [Test]
    public async Task A_broken_query_or_a_non_number_marks_the_rule_failed_with_the_reason()
    {
        await using AlertsHarness alerts = await AlertsHarness.StartAsync("""
            [alerts]
            check_interval_seconds = 0.3
            [[alerts.rule]]
            name = "typo"
            query = "SELECT COUNT(*) FROM no_such_table"
            threshold = 1
            [[alerts.rule]]
            name = "words"
            query = "SELECT 'many'"
            threshold = 1
            """);

        (await alerts.WaitForRuleAsync("typo", r => r.GetProperty("state").GetString() == "failed", "failed"))
            .GetProperty("last_error").GetString()!.ShouldContain("no such table: no_such_table");
        (await alerts.WaitForRuleAsync("words", r => r.GetProperty("state").GetString() == "failed", "failed"))
            .GetProperty("last_error").GetString()!.ShouldContain("not a number");
    }

    [Test]
    public async Task Without_alerts_the_list_is_empty()
    {
        await using Infrastructure.RunningCollector collector = await Infrastructure.RunningCollector.StartAsync();

        JsonElement answer = await collector.GetJsonAsync("/api/alerts");

        answer.GetProperty("items").GetArrayLength().ShouldBe(0);
        answer.GetProperty("config").ValueKind.ShouldBe(JsonValueKind.Null);
    }
}
