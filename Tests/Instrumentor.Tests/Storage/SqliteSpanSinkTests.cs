using System;
using System.Collections.Generic;
using System.IO;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;

namespace Instrumentor.Tests.Storage;

[NonParallelizable]
public class SqliteSpanSinkTests
{
    private string _directory = "";
    private string _path = "";

    [SetUp]
    public void SetUp()
    {
        _directory = Path.Combine(Path.GetTempPath(), "instrumentor-tests", Guid.NewGuid().ToString("N"));
        _path = Path.Combine(_directory, "traces.db");
    }

    [TearDown]
    public void TearDown()
    {
        Monitoring.Shutdown(TimeSpan.FromSeconds(5));
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Test]
    public void Spans_are_readable_through_the_logical_views_with_exact_columns()
    {
        WriteSampleSpans();

        Columns("process_trace").ShouldBe(new[]
        {
            "span_id", "trace_id", "parent_span_id", "ts", "process", "process_group", "status", "duration_ms", "exception", "thread_id", "service", "system_instance_id",
        });
        Columns("data_trace").ShouldBe(new[] { "span_id", "ts", "process", "data", "data_type", "data_value", "status", "exception" });
    }

    [Test]
    public void Ids_are_lowercase_hex_and_timestamps_compare_with_sqlite_datetime()
    {
        WriteSampleSpans();

        using SqliteConnection connection = Open();
        var rows = Query(connection, "SELECT span_id, trace_id, parent_span_id, ts, status FROM process_trace ORDER BY ts");
        rows.Count.ShouldBe(3);
        foreach (object?[] row in rows)
        {
            ((string)row[0]!).ShouldMatch("^[0-9a-f]{16}$");
            ((string)row[1]!).ShouldMatch("^[0-9a-f]{32}$");
            ((string)row[3]!).ShouldMatch(@"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$");
        }

        Scalar(connection, "SELECT count(*) FROM process_trace WHERE ts > datetime('now', '-1 hour') AND ts <= datetime('now', '+1 minute')").ShouldBe(3L);
        // The nested call points at its parent's span id.
        Scalar(connection, """
            SELECT count(*) FROM process_trace c JOIN process_trace p ON c.parent_span_id = p.span_id AND c.trace_id = p.trace_id
            """).ShouldBe(1L);
    }

    [Test]
    public void Inputs_and_result_appear_in_data_trace()
    {
        WriteSampleSpans();

        using SqliteConnection connection = Open();
        var rows = Query(connection, """
            SELECT data, data_type, data_value, status FROM data_trace
            WHERE process = 'Tests.Calc.Add' AND span_id = (SELECT span_id FROM process_trace WHERE process = 'Tests.Calc.Add' AND parent_span_id IS NULL)
            ORDER BY data_type, data
            """);
        rows.ShouldBe(new List<object?[]>
        {
            new object?[] { "a", "INPUT", "1", "OK" },
            new object?[] { "b", "INPUT", "2", "OK" },
            new object?[] { "result", "OUTPUT", "6", "OK" },
        });
    }

    [Test]
    public void An_error_row_carries_the_exception_type_message_and_stack()
    {
        WriteSampleSpans();

        using SqliteConnection connection = Open();
        var row = Query(connection, "SELECT status, exception, duration_ms, process_group FROM process_trace WHERE process = 'Tests.Calc.Fail'")[0];
        row[0].ShouldBe("ERR");
        ((string)row[1]!).ShouldStartWith("System.InvalidOperationException: broken");
        ((string)row[1]!).ShouldContain(" at ");
        ((double)row[2]!).ShouldBeGreaterThan(0);
        row[3].ShouldBeNull();
    }

    [Test]
    public void Schema_version_is_recorded_and_a_newer_file_is_refused_with_a_clear_error()
    {
        WriteSampleSpans();
        using (SqliteConnection connection = Open())
        {
            Scalar(connection, "PRAGMA user_version").ShouldBe((long)SqliteSchema.CurrentVersion);
            Scalar(connection, "PRAGMA journal_mode").ShouldBe("wal");
            using var bump = connection.CreateCommand();
            bump.CommandText = "PRAGMA user_version = 99";
            bump.ExecuteNonQuery();
        }

        using var sink = new SqliteSpanSink(_path, "svc");
        var error = Should.Throw<InvalidOperationException>(() => sink.Write(ReadOnlySpan<SpanRecord>.Empty, null));
        error.Message.ShouldContain("schema version 99");
    }

    [Test]
    public void A_file_the_runtime_creates_uses_incremental_auto_vacuum_so_a_purge_can_shrink_it()
    {
        WriteSampleSpans();

        using SqliteConnection connection = Open();
        // 2 = INCREMENTAL (0 = NONE: freed pages would stay in the file for ever).
        Scalar(connection, "PRAGMA auto_vacuum").ShouldBe(2L);
    }

    [Test]
    public void Reopening_an_existing_file_keeps_its_rows_and_appends()
    {
        WriteSampleSpans();
        WriteSampleSpans();

        using SqliteConnection connection = Open();
        Scalar(connection, "SELECT count(*) FROM process_trace").ShouldBe(6L);
        Scalar(connection, "SELECT count(*) FROM site").ShouldBe(2L);
    }

    [Test]
    public void A_store_file_deleted_and_recreated_under_an_open_sink_gets_its_sites_again()
    {
        using var sink = new SqliteSpanSink(_path, "svc");
        sink.Write(new[] { LiveRecord(1), SpooledRecord(2) }, null);

        // Someone deletes the file (and its WAL) and a new store appears at the same path.
        SqliteConnection.ClearAllPools();
        foreach (string file in Directory.GetFiles(_directory))
        {
            File.Delete(file);
        }

        using (SqliteConnection recreated = Open())
        {
            using var command = recreated.CreateCommand();
            command.CommandText = SqliteSchema.Version1 + "PRAGMA user_version = 1;";
            command.ExecuteNonQuery();
        }

        // The sink's connection still points at the deleted file (SQLite keeps writing there) until a batch fails
        // for any reason, here a malformed record; then it reopens the path, which is the new file.
        SpanRecord malformed = SpooledRecord(9);
        malformed.Spooled!.Process = null!;
        Should.Throw<Exception>(() => sink.Write(new[] { malformed }, null));
        sink.Write(new[] { LiveRecord(3), SpooledRecord(4) }, null);

        Rows("SELECT count(*) FROM process_trace WHERE process = 'Tests.Calc.Add'").ShouldBe(1L, "the live record's site exists in the new file");
        Rows("SELECT count(*) FROM process_trace WHERE process = 'Spooled.Site'").ShouldBe(1L, "the replayed record's site exists in the new file");
        Rows("SELECT count(*) FROM span WHERE site_id NOT IN (SELECT id FROM site)").ShouldBe(0L);
    }

    [Test]
    public void The_runtime_tags_its_spans_with_this_process_as_a_system_instance()
    {
        WriteSampleSpans();
        WriteSampleSpans();

        using SqliteConnection connection = Open();
        var instances = Query(connection, "SELECT system_name, system_id, system_instance_id, host, pid, started FROM instances");
        instances.Count.ShouldBe(1, "one process start, one instance");
        object?[] instance = instances[0];
        instance[0].ShouldBe("svc");
        ((string)instance[1]!).ShouldMatch("^[0-9a-f]{32}$");
        instance[1].ShouldBe(ProcessSystemInfo.For("svc").SystemId, "the system id is stable");
        instance[3].ShouldBe(Environment.MachineName);
        instance[4].ShouldBe((long)Environment.ProcessId);
        ((string)instance[5]!).ShouldMatch(@"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$");
        Scalar(connection, "SELECT count(*) FROM process_trace WHERE system_instance_id = '" + instance[2] + "'").ShouldBe(6L);
    }

    private long Rows(string sql)
    {
        using SqliteConnection connection = Open();
        return (long)Scalar(connection, sql)!;
    }

    private static SpanRecord LiveRecord(ulong id) => new()
    {
        Site = SpanFactory.Add,
        TraceHigh = 1,
        TraceLow = id,
        SpanId = id,
        StartTimestamp = System.Diagnostics.Stopwatch.GetTimestamp(),
        EndTimestamp = System.Diagnostics.Stopwatch.GetTimestamp(),
        ThreadId = 1,
    };

    private static SpanRecord SpooledRecord(ulong id) => new()
    {
        Spooled = new SpooledSpan
        {
            StartUnixMicroseconds = TimestampClock.UnixMicrosecondsNow(),
            TraceHigh = 1,
            TraceLow = id,
            SpanId = id,
            DurationNanoseconds = 1000,
            Process = "Spooled.Site",
        },
    };

    private void WriteSampleSpans()
    {
        Monitoring.Configure(o =>
        {
            o.DatabasePath = _path;
            o.ServiceName = "svc";
        });
        SpanFactory.CallAdd(1, 2, inner: () => SpanFactory.CallAdd(1, 2));
        SpanFactory.CallFail("broken");
        Monitoring.FlushAsync(TimeSpan.FromSeconds(30)).GetAwaiter().GetResult().ShouldBeTrue();
        Monitoring.Shutdown(TimeSpan.FromSeconds(5)).ShouldBeTrue();
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection($"Data Source={_path};Pooling=False");
        connection.Open();
        return connection;
    }

    private string[] Columns(string view)
    {
        using SqliteConnection connection = Open();
        var rows = Query(connection, $"SELECT name FROM pragma_table_info('{view}')");
        return rows.ConvertAll(r => (string)r[0]!).ToArray();
    }

    private static object? Scalar(SqliteConnection connection, string sql)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    private static List<object?[]> Query(SqliteConnection connection, string sql)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        using SqliteDataReader reader = command.ExecuteReader();
        var rows = new List<object?[]>();
        while (reader.Read())
        {
            var row = new object?[reader.FieldCount];
            for (int i = 0; i < row.Length; i++)
            {
                row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }

            rows.Add(row);
        }

        return rows;
    }
}
