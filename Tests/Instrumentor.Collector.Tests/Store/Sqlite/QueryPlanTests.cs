using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Instrumentor.Collector.Store;
using Instrumentor.Collector.Store.Sqlite;
using Instrumentor.Collector.Store.Sqlite.Search;
using Instrumentor.Collector.Tests.Infrastructure;

namespace Instrumentor.Collector.Tests.Store.Sqlite;

/// <summary>Each query of the API reads the span table through an index (EXPLAIN QUERY PLAN shows SEARCH, never a bare SCAN of span).</summary>
public class QueryPlanTests
{
    private RunningCollector _collector = null!;
    private SqliteTraceQueries _queries = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _collector = await RunningCollector.StartAsync();
        using System.Net.Http.HttpResponseMessage response = await _collector.PostJsonAsync("/v1/uploads", Events.Batch(20));
        _queries = (SqliteTraceQueries)_collector.Server.Store.Queries;
    }

    [OneTimeTearDown]
    public async Task Stop() => await _collector.DisposeAsync();

    private static IEnumerable<TestCaseData> Pages()
    {
        long from = StoreText.ToUnixMicroseconds(DateTimeOffset.UtcNow.AddHours(-1));
        yield return new TestCaseData(new SpanFilter()).SetArgDisplayNames("first page");
        yield return new TestCaseData(new SpanFilter { FromMicroseconds = from, ToMicroseconds = from + 1 }).SetArgDisplayNames("time range");
        yield return new TestCaseData(new SpanFilter { Process = "Shop.PricingService.PriceOrder", Status = "ERR" }).SetArgDisplayNames("process and status");
        yield return new TestCaseData(new SpanFilter { Status = "ERR" }).SetArgDisplayNames("errors");
        yield return new TestCaseData(new SpanFilter { Before = new SpanCursor("2026-12-01 17:00:00.000000", 5) }).SetArgDisplayNames("deep page by cursor");
        yield return new TestCaseData(new SpanFilter { Service = "orders-api", Search = "x" }).SetArgDisplayNames("service and text");
    }

    [TestCaseSource(nameof(Pages))]
    public void A_page_of_spans_uses_an_index(object filter) => UsesIndex(_queries.ExplainSpans((SpanFilter)filter));

    [TestCase("SELECT s.id FROM span s WHERE s.trace_id = '0123456789abcdef0123456789abcdef' ORDER BY s.ts, s.id", "span_trace")]
    [TestCase("SELECT s.id FROM span s WHERE s.span_id = '0123456789abcdef' LIMIT 1", "span_chunk_span")]
    [TestCase("SELECT s.site_id, s.ts, s.status, s.duration_ns FROM span s WHERE s.ts >= '2026' AND s.ts < '2027'", "span_ts")]
    [TestCase("SELECT count(*) FROM span WHERE status = 'ERR' AND ts >= '2026'", "span_errors")]
    [TestCase("SELECT l.ts FROM log l WHERE l.trace_id = 'a' AND l.span_id = 'b'", "log_trace")]
    [TestCase("SELECT count(*) FROM process_trace WHERE status = 'ERR' AND ts > datetime('now', '-30 seconds')", "span_errors")]
    public void Lookups_use_their_index(string sql, string index)
    {
        IReadOnlyList<string> plan = _queries.Explain(sql);

        UsesIndex(plan);
        string.Join("\n", plan).ShouldContain(index);
    }

    [Test]
    public void The_errors_of_one_process_come_from_the_partial_error_index_not_from_all_its_spans()
    {
        IReadOnlyList<string> plan = _queries.ExplainSpans(new SpanFilter { Process = "Shop.PricingService.PriceOrder", Status = "ERR" });

        string.Join("\n", plan).ShouldContain("span_site_errors");
    }

    [Test]
    public void The_text_filter_reads_the_index_candidates_by_row_id_and_the_rows_after_its_cursor_as_a_row_id_range()
    {
        var filter = new SpanFilter { Search = "customer-4242", Status = "ERR", Process = "Shop.PricingService.PriceOrder" };

        string indexed = string.Join("\n", _queries.ExplainSpans(filter, TextSource.Indexed("[1,2,3]")));
        string tail = string.Join("\n", _queries.ExplainSpans(filter, TextSource.Tail(100)));

        indexed.ShouldContain("VIRTUAL TABLE INDEX", Case.Sensitive, indexed);
        indexed.ShouldContain("SEARCH s USING INTEGER PRIMARY KEY (rowid=?)", Case.Sensitive, indexed);
        tail.ShouldContain("SEARCH s USING INTEGER PRIMARY KEY (rowid>?)", Case.Sensitive, tail);
    }

    [Test]
    public void The_graph_finds_parents_through_the_trace_index()
    {
        IReadOnlyList<string> plan = _queries.Explain("""
            SELECT p.site_id, c.site_id, count(*), max(c.ts) FROM span c
            JOIN span p ON p.trace_id = c.trace_id AND p.span_id = c.parent_span_id
            WHERE c.ts >= '2026' AND c.ts < '2027' AND c.parent_span_id IS NOT NULL GROUP BY p.site_id, c.site_id
            """);

        UsesIndex(plan);
        string.Join("\n", plan).ShouldContain("span_trace");
    }

    [Test]
    public void The_graph_reads_the_children_waiting_for_a_parent_first_and_seeks_each_parent()
    {
        IReadOnlyList<string> plan = _queries.Explain(Instrumentor.Collector.Store.Sqlite.Rollup.RollupGraph.PendingEdgesSql
            .Replace("$fullFrom", "'2026'", StringComparison.Ordinal).Replace("$fullTo", "'2027'", StringComparison.Ordinal));
        string text = string.Join("\n", plan);

        // Not "SCAN p USING INDEX ...": a walk of the whole span table (3.5 s per graph on 1,000,000 spans).
        plan.ShouldNotContain(step => step.StartsWith("SCAN p", StringComparison.Ordinal), text);
        text.ShouldContain("SEARCH p USING INDEX span_trace", Case.Sensitive, text);
    }

    [Test]
    public void The_graph_reads_the_spans_outside_the_folded_minutes_first_and_seeks_each_parent()
    {
        IReadOnlyList<string> plan = _queries.Explain(Instrumentor.Collector.Store.Sqlite.Rollup.RollupGraph.JoinedEdgesSql
            .Replace("$last", "100", StringComparison.Ordinal).Replace("$fullFrom", "'2026-01'", StringComparison.Ordinal)
            .Replace("$fullTo", "'2026-02'", StringComparison.Ordinal).Replace("$from", "'2026'", StringComparison.Ordinal)
            .Replace("$to", "'2027'", StringComparison.Ordinal));
        string text = string.Join("\n", plan);

        plan.ShouldNotContain(step => step.StartsWith("SCAN p", StringComparison.Ordinal), text);
        text.ShouldContain("SEARCH p USING INDEX span_trace", Case.Sensitive, text);
    }

    private static void UsesIndex(IReadOnlyList<string> plan)
    {
        string text = string.Join("\n", plan);
        plan.ShouldNotContain(step => (step.StartsWith("SCAN s", StringComparison.Ordinal) || step.StartsWith("SCAN span", StringComparison.Ordinal)
            || step.StartsWith("SCAN c", StringComparison.Ordinal) || step.StartsWith("SCAN l", StringComparison.Ordinal)) && !step.Contains("INDEX", StringComparison.Ordinal), text);
    }
}
