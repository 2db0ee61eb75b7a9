using System;
using System.Threading.Tasks;
using Instrumentor.Collector.Store;
using Instrumentor.Collector.Store.Postgres;
using Instrumentor.Collector.Tests.Infrastructure;

namespace Instrumentor.Collector.Tests.Store.Postgres;

/// <summary>
/// The plans PostgreSQL picks for the API's pages on a store of 60,000 spans over three days (statistics analyzed):
/// index scans in (ts, id) order that stop after the page, and only the partitions a time range touches; lookups of a
/// span and of a trace by id through an index of every partition.
/// </summary>
public class PostgresTraceQueriesTests
{
    private RunningCollector _collector = null!;
    private PostgresTraceQueries _queries = null!;

    [OneTimeSetUp]
    public async Task Fill()
    {
        string connection = PostgresServer.NewDatabase("plans");
        _collector = await RunningCollector.StartAsync(o => o with { Postgres = connection });
        _queries = (PostgresTraceQueries)_collector.Server.Store.Queries;
        var database = new PostgresDatabase(connection);
        database.Execute("""
            CREATE TABLE IF NOT EXISTS span_20261129 PARTITION OF span FOR VALUES FROM ('2026-11-29 00:00:00+00') TO ('2026-11-30 00:00:00+00');
            CREATE TABLE IF NOT EXISTS span_20261130 PARTITION OF span FOR VALUES FROM ('2026-11-30 00:00:00+00') TO ('2026-12-01 00:00:00+00');
            CREATE TABLE IF NOT EXISTS span_20261201 PARTITION OF span FOR VALUES FROM ('2026-12-01 00:00:00+00') TO ('2026-12-02 00:00:00+00');
            INSERT INTO site (process) SELECT 'P' || g FROM generate_series(1, 20) g;
            INSERT INTO span (ts, site_id, trace_id, span_id, status, duration_ns)
            SELECT timestamptz '2026-11-29 00:00:00+00' + i * interval '4 seconds', (SELECT min(id) FROM site) + i % 20, md5('t' || i), substr(md5(i::text), 1, 16),
                   CASE WHEN i % 50 = 0 THEN 'ERR' ELSE 'OK' END, 1000
            FROM generate_series(0, 59999) i;
            ANALYZE;
            """);
    }

    [OneTimeTearDown]
    public async Task Stop() => await _collector.DisposeAsync();

    [Test]
    public void The_newest_page_reads_the_time_index_backwards()
    {
        string plan = _queries.ExplainSpans(new SpanFilter { Limit = 50 });

        plan.ShouldContain("Index Scan Backward using span_");
        plan.ShouldNotContain("Seq Scan");
        plan.ShouldNotContain("Sort");
    }

    [Test]
    public void A_process_page_reads_the_site_index()
    {
        string plan = _queries.ExplainSpans(new SpanFilter { Process = "P7", Limit = 50 });

        plan.ShouldContain("site_id_ts_id_idx");
        plan.ShouldNotContain("Seq Scan");
    }

    [Test]
    public void A_time_window_touches_only_its_day()
    {
        long from = StoreText.ToUnixMicroseconds(new DateTimeOffset(2026, 11, 30, 10, 0, 0, TimeSpan.Zero));
        string plan = _queries.ExplainSpans(new SpanFilter { FromMicroseconds = from, ToMicroseconds = from + 3_600_000_000L, Limit = 50 });

        plan.ShouldContain("span_20261130");
        plan.ShouldNotContain("span_20261129");
        plan.ShouldNotContain("span_20261201");
    }

    [Test]
    public void The_next_page_starts_at_the_cursor_in_the_index()
    {
        var cursor = new SpanCursor("2026-11-30 12:00:00.000000", 40_000);
        string plan = _queries.ExplainSpans(new SpanFilter { Before = cursor, Limit = 50 });

        plan.ShouldContain("Index Cond: (ROW(ts, id) < ROW(");
        plan.ShouldNotContain("Seq Scan");
    }

    // (Today's and tomorrow's partitions are empty and never analyzed: the planner scans those few pages as they are.)
    [TestCase(PostgresTraceQueries.SpanSql, "span_id_idx")]
    [TestCase(PostgresTraceQueries.SpanInTraceSql, "(pkey|span_id_idx)")]
    [TestCase(PostgresTraceQueries.TraceSql, "_pkey")]
    public void A_lookup_by_id_reads_an_index_of_each_filled_partition(string sql, string index)
    {
        string plan = _queries.ExplainLookup(sql, "0123456789abcdef", "0123456789abcdef0123456789abcdef");

        foreach (string day in new[] { "span_20261129", "span_20261130", "span_20261201" })
        {
            plan.ShouldMatch(day + "_" + index.TrimStart('_'), customMessage: plan);
            plan.ShouldNotContain("Seq Scan on " + day, customMessage: plan);
        }
    }
}
