using System;
using System.IO;
using System.Linq;
using Microsoft.Data.Sqlite;
using static Instrumentor.Tests.Storage.StoreDatabase;

namespace Instrumentor.Tests.Storage;

/// <summary>Schema v6: the <c>log</c> table and the <c>logs</c> view in the shared store, and files that had them before.</summary>
[NonParallelizable]
public class LogSchemaTests
{
    private string _directory = "";
    private string _path = "";

    [SetUp]
    public void SetUp()
    {
        _directory = Path.Combine(Path.GetTempPath(), "instrumentor-log-schema", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
        _path = Path.Combine(_directory, "traces.db");
    }

    [TearDown]
    public void TearDown()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Test]
    public void A_new_store_has_the_logs_view_with_the_contracts_columns()
    {
        using SqliteConnection connection = StoreConnection.Open(_path);

        Scalar(connection, "PRAGMA user_version").ShouldBe((long)SqliteSchema.CurrentVersion);
        SqliteSchema.CurrentVersion.ShouldBe(6);
        Query(connection, "SELECT name FROM pragma_table_info('logs') ORDER BY cid").Select(r => (string)r[0]!).ShouldBe(
            ["ts", "level", "logger", "message", "trace_id", "span_id", "parent_span_id", "exception", "attributes", "service"]);
        Scalar(connection, "SELECT count(*) FROM sqlite_master WHERE name = 'log_batch'").ShouldBe(1L);
    }

    [Test]
    public void A_v4_file_with_the_collectors_own_log_table_keeps_its_lines_at_v6()
    {
        // What a collector before v6 left: its own log table and view (same columns), user_version 4, no log_batch.
        using (SqliteConnection connection = StoreConnection.Open(_path))
        {
            Exec(connection, """
                DROP TABLE log_batch;
                INSERT INTO log (ts, level, message, trace_id) VALUES ('2026-12-01 17:00:00.000000', 'Warning', 'kept', '0123456789abcdef0123456789abcdef');
                PRAGMA user_version = 4;
                """);
        }

        SqliteConnection.ClearAllPools();
        using SqliteConnection migrated = StoreConnection.Open(_path);

        Scalar(migrated, "PRAGMA user_version").ShouldBe(6L);
        Scalar(migrated, "SELECT message FROM logs WHERE level = 'Warning'").ShouldBe("kept");
        Scalar(migrated, "SELECT count(*) FROM log_batch").ShouldBe(0L);
    }

    [Test]
    public void Log_lookups_by_trace_and_time_use_the_indexes()
    {
        using SqliteConnection connection = StoreConnection.Open(_path);

        string byTrace = string.Join(" ", Query(connection, "EXPLAIN QUERY PLAN SELECT * FROM logs WHERE trace_id = 'x' AND span_id = 'y'").Select(r => r[3]));
        string byTime = string.Join(" ", Query(connection, "EXPLAIN QUERY PLAN SELECT * FROM logs WHERE ts > datetime('now', '-30 seconds')").Select(r => r[3]));

        byTrace.ShouldContain("SEARCH log USING INDEX log_trace");
        byTime.ShouldContain("SEARCH log USING INDEX log_ts");
    }
}
