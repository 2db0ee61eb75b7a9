using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.Data.Sqlite;
using static Instrumentor.Tests.Storage.StoreDatabase;

namespace Instrumentor.Tests.Storage;

/// <summary>Schema v3: forward migration of older files, and SQL against the views that uses the indexes.</summary>
[NonParallelizable]
public class SqliteSchemaTests
{
    // Rows of a v1/v2 file: a root, a child with a random (high-bit) span id, an unsampled error without duration.
    private const string OldRows = """
        INSERT INTO site (id, process, process_group, service) VALUES (1, 'Old.Root', 'grp', 'svc'), (2, 'Old.Child', NULL, 'svc');
        INSERT INTO span (ts, site_id, trace_hi, trace_lo, span_id, parent_span_id, status, duration_ns, thread_id, data, exception) VALUES
            (1764611545123456, 1, 123456789, -5, -1, NULL, 0, 1500000, 7, '[{"n":"a","v":"1"},{"n":"result","o":1,"v":"2"}]', NULL),
            (1764611545123999, 2, 123456789, -5, 42, -1, 1, NULL, 8, NULL, 'System.Exception: boom'),
            (0, 2, 1, 2, 3, 4, 0, 1, 9, NULL, NULL);
        """;

    private static readonly string[] s_processTraceColumns =
        { "span_id", "trace_id", "parent_span_id", "ts", "process", "process_group", "status", "duration_ms", "exception", "thread_id", "service" };

    private string _directory = "";
    private string _path = "";

    [SetUp]
    public void SetUp()
    {
        _directory = Path.Combine(Path.GetTempPath(), "instrumentor-schema", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
        _path = Path.Combine(_directory, "traces.db");
    }

    [TearDown]
    public void TearDown()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [TestCase(1)]
    [TestCase(2)]
    public void An_older_file_is_migrated_to_v3_and_its_views_show_the_same_rows(int version)
    {
        List<object?[]> spansBefore;
        List<object?[]> valuesBefore;
        using (SqliteConnection connection = Open(_path))
        {
            Exec(connection, SqliteSchema.Version1 + (version >= 2 ? SqliteSchema.Version2 : "") + $"PRAGMA user_version = {version};" + OldRows);
            spansBefore = Query(connection, $"SELECT {string.Join(", ", s_processTraceColumns)} FROM process_trace ORDER BY ts");
            valuesBefore = Query(connection, "SELECT * FROM data_trace ORDER BY ts, data");
        }

        using (var sink = new SqliteSpanSink(_path, "svc"))
        {
            sink.Write(ReadOnlySpan<SpanRecord>.Empty, null);
        }

        using SqliteConnection migrated = Open(_path);
        Scalar(migrated, "PRAGMA user_version").ShouldBe((long)SqliteSchema.CurrentVersion);
        Query(migrated, $"SELECT {string.Join(", ", s_processTraceColumns)} FROM process_trace ORDER BY ts").ShouldBe(spansBefore);
        Query(migrated, "SELECT * FROM data_trace ORDER BY ts, data").ShouldBe(valuesBefore);
        spansBefore.Count.ShouldBe(3);
        spansBefore.ShouldContain(row => (string)row[0]! == "ffffffffffffffff", "a 64-bit id keeps its unsigned hex form");
        Scalar(migrated, "SELECT count(*) FROM process_trace WHERE system_instance_id IS NULL").ShouldBe(3L, "old rows have no instance");
        Scalar(migrated, "PRAGMA integrity_check").ShouldBe("ok");
        Scalar(migrated, "PRAGMA foreign_key_check").ShouldBeNull();
        Scalar(migrated, "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = 'span_site_errors'").ShouldBe(1L, "additive indexes come with any open");
    }

    [Test]
    public void An_additive_index_dropped_from_a_current_file_comes_back_without_a_version_change()
    {
        using (var sink = new SqliteSpanSink(_path, "svc"))
        {
            sink.Write(ReadOnlySpan<SpanRecord>.Empty, null);
        }

        using (SqliteConnection connection = Open(_path))
        {
            Exec(connection, "DROP INDEX span_site_errors;");
        }

        SqliteConnection.ClearAllPools();
        using (var sink = new SqliteSpanSink(_path, "svc"))
        {
            sink.Write(ReadOnlySpan<SpanRecord>.Empty, null);
        }

        using SqliteConnection reopened = Open(_path);
        Scalar(reopened, "SELECT sql FROM sqlite_master WHERE name = 'span_site_errors'").ShouldBe("CREATE INDEX span_site_errors ON span (site_id, ts) WHERE status = 'ERR'");
        Scalar(reopened, "PRAGMA user_version").ShouldBe((long)SqliteSchema.CurrentVersion);
    }

    [Test]
    public void The_views_have_the_contract_columns_and_instances_exists()
    {
        using (var sink = new SqliteSpanSink(_path, "svc"))
        {
            sink.Write(ReadOnlySpan<SpanRecord>.Empty, null);
        }

        using SqliteConnection connection = Open(_path);
        Columns(connection, "process_trace").ShouldBe(s_processTraceColumns.Append("system_instance_id").ToArray());
        Columns(connection, "data_trace").ShouldBe(new[] { "span_id", "ts", "process", "data", "data_type", "data_value", "status", "exception" });
        Columns(connection, "instances").ShouldBe(new[] { "system_name", "system_id", "system_instance_id", "host", "pid", "started" });
    }

    [TestCase("SELECT COUNT(*) FROM process_trace WHERE status='ERR' AND ts > datetime('now','-30 seconds')", "span_errors")]
    [TestCase("SELECT * FROM process_trace WHERE span_id = '00000000000000ff'", "span_span")]
    [TestCase("SELECT * FROM process_trace WHERE trace_id = '0000000000000001fffffffffffffffb'", "span_trace")]
    [TestCase("SELECT * FROM data_trace WHERE span_id = '00000000000000ff'", "span_span")]
    [TestCase("SELECT * FROM process_trace WHERE process = 'Old.Root' AND ts > '2026-01-01'", "span_site_ts")]
    [TestCase("SELECT * FROM process_trace WHERE status = 'ERR' AND ts < '2026-12-01 17:52:25.123456' ORDER BY ts DESC LIMIT 50", "span_errors")]
    [TestCase("SELECT * FROM process_trace WHERE ts < '2026-12-01 17:52:25.123456' ORDER BY ts DESC LIMIT 50", "span_ts")]
    [TestCase("SELECT * FROM span_view WHERE ts <= '2026-12-01 17:52:25.123456' AND (ts < '2026-12-01 17:52:25.123456' OR row_id < 9) ORDER BY ts DESC, row_id DESC LIMIT 50", "span_ts")]
    [TestCase("SELECT c.* FROM process_trace p JOIN process_trace c ON c.parent_span_id = p.span_id AND c.trace_id = p.trace_id WHERE p.span_id = '00000000000000ff'", "span_trace")]
    public void Sql_against_the_views_searches_an_index_of_the_span_table(string sql, string index)
    {
        using (SqliteConnection connection = Open(_path))
        {
            Exec(connection, SqliteSchema.Version1 + "PRAGMA user_version = 1;" + OldRows);
        }

        using (var sink = new SqliteSpanSink(_path, "svc"))
        {
            sink.Write(ReadOnlySpan<SpanRecord>.Empty, null);
        }

        using SqliteConnection check = Open(_path);
        List<string> plan = Query(check, "EXPLAIN QUERY PLAN " + sql).ConvertAll(row => (string)row[3]!);
        string text = string.Join("\n", plan);
        // The span table appears as s (its alias in the views); site and instance are small and may be scanned.
        plan.ShouldNotContain(step => System.Text.RegularExpressions.Regex.IsMatch(step, "^SCAN (s|span)( |$)"), text);
        plan.ShouldContain(step => step.Contains("USING INDEX " + index, StringComparison.Ordinal) || step.Contains("USING COVERING INDEX " + index, StringComparison.Ordinal), text);
        plan.ShouldNotContain(step => step.Contains("TEMP B-TREE", StringComparison.Ordinal), text);
    }

    [Test]
    public void An_ANALYZE_of_a_small_chunked_file_does_not_leave_span_id_lookups_scanning_when_it_grows()
    {
        MigrateAs(SpanIdIndexing.Chunked);
        using (SqliteConnection connection = Open(_path))
        {
            Exec(connection, "INSERT INTO site (process) VALUES ('x'); INSERT INTO span (ts, site_id, trace_id, span_id, status) VALUES ('2026-01-01 00:00:00.000000', 1, 't', 's', 0); ANALYZE;");
            Scalar(connection, "SELECT stat FROM sqlite_stat1 WHERE idx = 'span_chunk_span'").ShouldBe("1 1 1", "ANALYZE measured one row a chunk");
        }

        MigrateAs(SpanIdIndexing.Chunked);
        using SqliteConnection check = Open(_path);
        string plan = string.Join("\n", Query(check, "EXPLAIN QUERY PLAN SELECT * FROM process_trace WHERE span_id = 's'").ConvertAll(row => (string)row[3]!));
        plan.ShouldContain("USING INDEX span_chunk_span (ANY(");
    }

    [Test]
    public void A_chunked_file_opened_by_the_runtime_gets_the_plain_span_id_index_and_keeps_every_row()
    {
        MigrateAs(SpanIdIndexing.Chunked);
        using (SqliteConnection connection = Open(_path))
        {
            Exec(connection, "INSERT INTO site (process) VALUES ('x');");
            for (int i = 0; i < 300; i++)
            {
                Exec(connection, $"INSERT INTO span (ts, site_id, trace_id, span_id, status) VALUES ('2026-01-01 00:00:00.{i:D6}', 1, 't{i % 7}', '{i * 7919:x16}', 'OK');");
            }

            Indexes(connection).ShouldContain("span_chunk_span");
            Indexes(connection).ShouldNotContain("span_span");
        }

        using (var sink = new SqliteSpanSink(_path, "svc"))
        {
            sink.Write(ReadOnlySpan<SpanRecord>.Empty, null);
        }

        using SqliteConnection check = Open(_path);
        Indexes(check).ShouldContain("span_span");
        Indexes(check).ShouldNotContain("span_chunk_span", "one span id index is enough; the chunked one costs the writer");
        Scalar(check, "SELECT count(*) FROM process_trace").ShouldBe(300L);
        Scalar(check, $"SELECT ts FROM process_trace WHERE span_id = '{123 * 7919:x16}'").ShouldBe("2026-01-01 00:00:00.000123");
        string plan = string.Join("\n", Query(check, "EXPLAIN QUERY PLAN SELECT * FROM process_trace WHERE span_id = 'x'").ConvertAll(row => (string)row[3]!));
        plan.ShouldContain("USING INDEX span_span (span_id=?)");
    }

    [Test]
    public void A_runtime_file_opened_by_the_collector_keeps_its_plain_span_id_index()
    {
        MigrateAs(SpanIdIndexing.Sequential);
        MigrateAs(SpanIdIndexing.Chunked);

        SpanIdIndexes().ShouldBe(new[] { "span_span" }, "turns of the two openers do not rebuild the index back and forth");
    }

    [Test]
    public void A_new_collector_file_indexes_span_ids_by_chunk()
    {
        MigrateAs(SpanIdIndexing.Chunked);

        SpanIdIndexes().ShouldBe(new[] { "span_chunk_span" });
    }

    [Test]
    public void An_opener_that_writes_no_spans_keeps_the_collectors_chunked_index()
    {
        MigrateAs(SpanIdIndexing.Chunked);
        using (StoreConnection.Open(_path))
        {
        }

        SpanIdIndexes().ShouldBe(new[] { "span_chunk_span" }, "the export outbox, logs and sessions open the collector's file too");
    }

    [Test]
    public void An_opener_that_writes_no_spans_gives_a_new_file_the_plain_index()
    {
        using (StoreConnection.Open(_path))
        {
        }

        SpanIdIndexes().ShouldBe(new[] { "span_span" });
    }

    [Test]
    public void A_runtime_file_tells_the_planner_the_span_tables_size_as_a_chunked_file_does()
    {
        MigrateAs(SpanIdIndexing.Sequential);
        using (SqliteConnection connection = Open(_path))
        {
            Scalar(connection, "SELECT stat FROM sqlite_stat1 WHERE tbl = 'span' AND idx = 'span_span'").ShouldBe("1048576 1");
            Exec(connection, "UPDATE sqlite_stat1 SET stat = '5 1' WHERE idx = 'span_span';");
        }

        MigrateAs(SpanIdIndexing.Sequential);
        using SqliteConnection check = Open(_path);
        Scalar(check, "SELECT stat FROM sqlite_stat1 WHERE tbl = 'span' AND idx = 'span_span'").ShouldBe("5 1", "statistics already there (an ANALYZE of the user's) are kept");
    }

    private void MigrateAs(SpanIdIndexing spanIds)
    {
        using SqliteConnection connection = Open(_path);
        SqliteSchema.Migrate(connection, spanIds);
    }

    /// <summary>The span id indexes the file has (span_span, span_chunk_span), sorted.</summary>
    private string[] SpanIdIndexes()
    {
        using SqliteConnection connection = Open(_path);
        return Indexes(connection).Where(name => name is "span_span" or "span_chunk_span").Order(StringComparer.Ordinal).ToArray();
    }

    private static List<string> Indexes(SqliteConnection connection) =>
        Query(connection, "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'span'").ConvertAll(row => (string)row[0]!);

    [Test]
    public void The_newest_first_page_walks_the_time_index_backwards_without_sorting()
    {
        using (var sink = new SqliteSpanSink(_path, "svc"))
        {
            sink.Write(ReadOnlySpan<SpanRecord>.Empty, null);
        }

        using SqliteConnection check = Open(_path);
        List<string> plan = Query(check, "EXPLAIN QUERY PLAN SELECT * FROM process_trace ORDER BY ts DESC LIMIT 50").ConvertAll(row => (string)row[3]!);
        plan[0].ShouldBe("SCAN s USING INDEX span_ts", "LIMIT stops the walk after 50 entries");
        plan.ShouldNotContain(step => step.Contains("TEMP B-TREE", StringComparison.Ordinal));
    }

    private static string[] Columns(SqliteConnection connection, string view) =>
        Query(connection, $"SELECT name FROM pragma_table_info('{view}')").ConvertAll(r => (string)r[0]!).ToArray();
}
