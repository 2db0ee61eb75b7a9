using System;
using System.IO;
using System.Threading.Tasks;
using Instrumentor.Collector.Alerts.Config;
using Instrumentor.Collector.Commands;
using Instrumentor.Collector.Tests.Infrastructure;
using Instrumentor.Testing;

namespace Instrumentor.Collector.Tests.Alerts.Config;

public class AlertConfigReaderTests
{
    private const string Seed = """
        [alerts]
        check_interval_seconds = 15
        [[alerts.rule]]
        name = "unhandled_exception"
        query = "SELECT COUNT(*) FROM process_trace WHERE status='ERR' AND ts > datetime('now', '-30 seconds')"
        threshold = 1
        action = "log"
        """;

    [Test]
    public void The_seed_file_reads_as_written()
    {
        AlertConfig config = AlertConfigReader.Parse(Seed, "alerts.toml");

        config.CheckInterval.ShouldBe(TimeSpan.FromSeconds(15));
        AlertRule rule = config.Rules.ShouldHaveSingleItem();
        rule.Name.ShouldBe("unhandled_exception");
        rule.Query.ShouldStartWith("SELECT COUNT(*) FROM process_trace WHERE status='ERR'");
        rule.Threshold.ShouldBe(1);
        rule.Action.ShouldBe(AlertAction.Log);
        rule.Interval.ShouldBe(TimeSpan.FromSeconds(15));
        rule.For.ShouldBe(TimeSpan.Zero);
        rule.Cooldown.ShouldBe(TimeSpan.Zero);
        rule.Severity.ShouldBe("warning");
    }

    [Test]
    public void Optional_keys_of_a_rule_are_read()
    {
        AlertConfig config = AlertConfigReader.Parse("""
            [alerts]
            check_interval_seconds = 10
            query_timeout_seconds = 0.5
            [[alerts.rule]]
            name = "slow_checkout"
            query = "SELECT max(duration_ms) FROM process_trace"
            threshold = 250.5
            action = "webhook"
            url = "http://127.0.0.1:9000/hook"
            interval_seconds = 2.5
            for_seconds = 30
            cooldown_seconds = 600
            severity = "critical"
            """, "alerts.toml");

        config.QueryTimeout.ShouldBe(TimeSpan.FromMilliseconds(500));
        AlertRule rule = config.Rules.ShouldHaveSingleItem();
        rule.Threshold.ShouldBe(250.5);
        rule.Action.ShouldBe(AlertAction.Webhook);
        rule.Url.ShouldBe(new Uri("http://127.0.0.1:9000/hook"));
        rule.Interval.ShouldBe(TimeSpan.FromSeconds(2.5));
        rule.For.ShouldBe(TimeSpan.FromSeconds(30));
        rule.Cooldown.ShouldBe(TimeSpan.FromSeconds(600));
        rule.Severity.ShouldBe("critical");
    }

    // Each bad file gives one message that names the place (line:column) and the fault.
    [TestCase("[alerts]\ncheck_interval_seconds = = 15\n", "alerts.toml:2:", "TOML syntax error")]
    [TestCase("[alerts]\ncheck_interval = 15\n", "alerts.toml:2:1:", "unknown key 'check_interval' in [alerts]")]
    [TestCase("[[alerts.rule]]\nname = \"a\"\nquery = \"SELECT 1\"\nthreshold = 1\ncolour = \"red\"\n", "alerts.toml:5:1:", "unknown key 'colour' in [[alerts.rule]]")]
    [TestCase("[alert]\n", "alerts.toml:1:1:", "unknown table [alert]")]
    [TestCase("[[alerts.rule]]\nname = \"a\"\nthreshold = 1\n", "alerts.toml:1:1:", "rule 'a': missing query")]
    [TestCase("[[alerts.rule]]\nquery = \"SELECT 1\"\nthreshold = 1\n", "alerts.toml:1:1:", "missing name")]
    [TestCase("[[alerts.rule]]\nname = \"a\"\nquery = \"SELECT 1\"\nthreshold = \"one\"\n", "alerts.toml:4:13:", "rule 'a': threshold must be a number, not the string \"one\"")]
    [TestCase("[[alerts.rule]]\nname = \"a\"\nquery = \"SELECT 1\"\nthreshold = 1\naction = \"email\"\n", "alerts.toml:5:10:", "unknown action 'email'")]
    [TestCase("[[alerts.rule]]\nname = \"a\"\nquery = \"SELECT 1\"\nthreshold = 1\naction = \"webhook\"\nurl = \"not a url\"\n", "alerts.toml:6:7:", "url 'not a url' is not an absolute http:// or https:// URL")]
    [TestCase("[[alerts.rule]]\nname = \"a\"\nquery = \"SELECT 1\"\nthreshold = 1\naction = \"webhook\"\nurl = \"ftp://host/x\"\n", "alerts.toml:6:7:", "is not an absolute http:// or https:// URL")]
    [TestCase("[[alerts.rule]]\nname = \"a\"\nquery = \"SELECT 1\"\nthreshold = 1\naction = \"webhook\"\n", "alerts.toml:1:1:", "needs url")]
    [TestCase("[[alerts.rule]]\nname = \"a\"\nquery = \"SELECT 1\"\nthreshold = 1\nfor_seconds = -3\n", "alerts.toml:5:15:", "for_seconds must be a number of seconds, 0 or more")]
    [TestCase("[alerts]\ncheck_interval_seconds = 0\n", "alerts.toml:2:26:", "check_interval_seconds must be a number of seconds, more than 0")]
    [TestCase("[[alerts.rule]]\nname = \"a\"\nquery = \"SELECT 1\"\nthreshold = 1\n[[alerts.rule]]\nname = \"a\"\nquery = \"SELECT 2\"\nthreshold = 1\n", "alerts.toml:5:1:", "a second rule named 'a'")]
    [TestCase("check_interval_seconds = 15\n", "alerts.toml:1:1:", "unknown key 'check_interval_seconds' at the top of the file")]
    public void A_bad_file_is_refused_with_its_place_and_reason(string text, string place, string reason)
    {
        AlertConfigException error = Should.Throw<AlertConfigException>(() => AlertConfigReader.Parse(text, "alerts.toml"));

        error.Message.ShouldStartWith(place);
        error.Message.ShouldContain(reason);
    }

    [Test]
    public void An_unreadable_file_is_refused()
    {
        string missing = Path.Combine(Path.GetTempPath(), $"no-such-{Guid.NewGuid():N}.toml");

        AlertConfigException error = Should.Throw<AlertConfigException>(() => AlertConfigReader.ReadFile(missing));

        error.Message.ShouldStartWith(missing + ": cannot read the alerts file");
    }

    [TestCase("[alerts]\ncheck_interval_seconds = [1\n", "TOML syntax error")]
    [TestCase("[[alerts.rule]]\nname = \"a\"\nthreshold = 1\n", "missing query")]
    [TestCase("[[alerts.rule]]\nname = \"a\"\nquery = \"SELECT 1\"\nthreshold = 1\naction = \"page\"\n", "unknown action 'page'")]
    public async Task Serve_refuses_to_start_with_a_bad_alerts_file_and_exit_2(string text, string reason)
    {
        using var directory = new TempDirectory("alerts-config");
        string file = directory.Combine("alerts.toml");
        await File.WriteAllTextAsync(file, text);
        var output = new StringWriter();
        var error = new StringWriter();

        int exit = await CollectorCommandLine.RunAsync(
            ["serve", "--alerts", file, "--db", directory.Combine("traces.db"), "--urls", "http://127.0.0.1:0"], output, error);

        exit.ShouldBe(2);
        string message = error.ToString().Trim();
        message.ShouldStartWith($"instrumentor: {file}:");
        message.ShouldContain(reason);
        message.Split('\n').Length.ShouldBe(1, "one clear message");
        File.Exists(directory.Combine("traces.db")).ShouldBeFalse("the store is not touched when the alerts are bad");
    }

    [Test]
    public async Task Serve_refuses_a_missing_alerts_file_with_exit_2()
    {
        using var directory = new TempDirectory("alerts-config");
        var error = new StringWriter();

        int exit = await CollectorCommandLine.RunAsync(
            ["serve", "--alerts", directory.Combine("missing.toml"), "--db", directory.Combine("traces.db"), "--urls", "http://127.0.0.1:0"], new StringWriter(), error);

        exit.ShouldBe(2);
        error.ToString().ShouldContain("cannot read the alerts file");
    }
}
