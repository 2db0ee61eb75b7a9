using System;
using Instrumentor.Collector.Alerts.Evaluation;
using Instrumentor.Collector.Store.Postgres;

namespace Instrumentor.Collector.Tests.Store.Postgres;

/// <summary>Alert rule SQL on the PostgreSQL store (<see cref="PostgresRuleRunner"/>): the views, read-only, the time limit.</summary>
public class PostgresRuleRunnerTests
{
    private string _connection = "";
    private PostgresRuleRunner _runner = null!;

    [OneTimeSetUp]
    public void Open()
    {
        _connection = PostgresServer.NewDatabase("rules");
        // The store creates the schema (views included); the rule runner only reads it.
        using (PostgresTraceStore.Open(_connection))
        {
        }

        var database = new PostgresDatabase(_connection);
        database.Execute("""
            INSERT INTO site (process) VALUES ('Shop.Db.Save');
            INSERT INTO span (ts, site_id, trace_id, span_id, status, duration_ns)
            SELECT now() - i * interval '1 second', 1, lpad(to_hex(i), 32, '0'), lpad(to_hex(i), 16, '0'), CASE WHEN i % 4 = 0 THEN 'ERR' ELSE 'OK' END, i * 1000000
            FROM generate_series(1, 20) i;
            """);
        _runner = new PostgresRuleRunner(_connection);
    }

    [Test]
    public void A_rule_reads_the_views_as_a_number()
    {
        _runner.Value("SELECT count(*) FROM process_trace WHERE status = 'ERR' AND ts > now() - interval '5 minutes'", TimeSpan.FromSeconds(5)).ShouldBe(5);
        _runner.Value("SELECT avg(duration_ms) FROM process_trace WHERE process = 'Shop.Db.Save'", TimeSpan.FromSeconds(5)).ShouldBe(10.5);
    }

    [Test]
    public void Rows_come_back_as_text()
    {
        var rows = _runner.Rows("SELECT span_id, duration_ms FROM process_trace ORDER BY duration_ms LIMIT 3", 2, TimeSpan.FromSeconds(5));

        rows.Count.ShouldBe(2);
        rows[0]["span_id"].ShouldBe("0000000000000001");
        rows[0]["duration_ms"].ShouldBe("1");
    }

    [Test]
    public void A_rule_that_writes_is_refused()
    {
        var failure = Should.Throw<RuleFailedException>(() => _runner.Value("DELETE FROM span RETURNING 1", TimeSpan.FromSeconds(5)));

        failure.Message.ShouldContain("read-only");
        new PostgresDatabase(_connection).Scalar("SELECT count(*) FROM span;").ShouldBe(20);
    }

    [Test]
    public void A_rule_over_its_time_limit_is_stopped()
    {
        var failure = Should.Throw<RuleFailedException>(() => _runner.Value("SELECT count(*) FROM pg_sleep(30)", TimeSpan.FromMilliseconds(200)));

        failure.Message.ShouldContain("time limit");
    }

    [Test]
    public void Bad_SQL_is_a_rule_failure_with_the_server_message()
    {
        var failure = Should.Throw<RuleFailedException>(() => _runner.Value("SELECT nope FROM process_trace", TimeSpan.FromSeconds(5)));

        failure.Message.ShouldContain("nope");
    }
}
