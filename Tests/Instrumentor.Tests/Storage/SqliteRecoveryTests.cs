using System;
using System.IO;
using System.Threading;
using Instrumentor.Testing;
using Microsoft.Data.Sqlite;

namespace Instrumentor.Tests.Storage;

/// <summary>Schema migration, retention, spool replay against the real store, and bad files.</summary>
[NonParallelizable]
public class SqliteRecoveryTests
{
    private string _directory = "";
    private string _db = "";
    private string _spool = "";

    [SetUp]
    public void SetUp()
    {
        _directory = Path.Combine(Path.GetTempPath(), "instrumentor-recovery", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
        _db = Path.Combine(_directory, "traces.db");
        _spool = Path.Combine(_directory, "traces.spool");
    }

    [TearDown]
    public void TearDown()
    {
        Monitoring.Shutdown(TimeSpan.FromSeconds(5));
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Test]
    public void An_empty_file_and_a_version_1_file_are_migrated_forward_keeping_their_rows()
    {
        File.WriteAllBytes(_db, Array.Empty<byte>());
        using (var connection = Open())
        {
            Exec(connection, SqliteSchema.Version1 + "PRAGMA user_version = 1;");
            Exec(connection, "INSERT INTO site (process) VALUES ('Old.Process'); INSERT INTO span (ts, site_id, trace_hi, trace_lo, span_id, status) VALUES (CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER), 1, 1, 1, 1, 0);");
        }

        Run(() => SpanFactory.CallAdd(1, 2));

        using var reopened = Open();
        Scalar(reopened, "PRAGMA user_version").ShouldBe((long)SqliteSchema.CurrentVersion);
        Scalar(reopened, "SELECT count(*) FROM process_trace WHERE process = 'Old.Process'").ShouldBe(1L);
        Scalar(reopened, "SELECT count(*) FROM process_trace WHERE process = 'Tests.Calc.Add'").ShouldBe(1L);
        Scalar(reopened, "SELECT count(*) FROM sqlite_master WHERE name = 'spool_cursor'").ShouldBe(1L);
    }

    [Test]
    public void Expired_spans_are_purged_and_recent_ones_kept()
    {
        Run(() => SpanFactory.CallAdd(1, 1));
        using (var connection = Open())
        {
            // Age the first span by two hours.
            Exec(connection, "UPDATE span SET ts = datetime(ts, '-2 hours');");
        }

        Monitoring.Configure(o =>
        {
            o.DatabasePath = _db;
            o.SpoolPath = _spool;
            o.Retention = TimeSpan.FromHours(1);
        });
        SpanFactory.CallAdd(2, 2);
        Monitoring.FlushAsync(TimeSpan.FromSeconds(30)).GetAwaiter().GetResult().ShouldBeTrue();
        using var check = Open();
        SpinWait.SpinUntil(() => (long)Scalar(check, "SELECT count(*) FROM span")! == 1, TimeSpan.FromSeconds(10)).ShouldBeTrue("the old span is purged");
        Scalar(check, "SELECT json_extract(data, '$[0].v') FROM span").ShouldBe("2");
    }

    [Test]
    public void A_spool_replayed_into_the_store_is_not_replayed_again_if_the_spool_survives_a_crash()
    {
        // A first run whose store is unusable (its path is a directory) saves its records to the spool.
        RunWithUnusableStore(300);

        File.Exists(_spool).ShouldBeTrue();
        string copy = _spool + ".copy";
        File.Copy(_spool, copy);

        // Second run (the pipeline starts at its first monitored call): the spool is replayed and the
        // checkpoint is committed with the rows.
        Run(() => SpanFactory.CallAdd(-1, 0));
        using (var connection = Open())
        {
            Scalar(connection, "SELECT count(*) FROM span").ShouldBe(301L);
        }

        // As if the process died after the commit but before truncating the spool: the same file is back.
        File.Copy(copy, _spool, overwrite: true);
        Run(() => SpanFactory.CallAdd(-2, 0));
        using var check = Open();
        Scalar(check, "SELECT count(*) FROM span").ShouldBe(302L);
        Scalar(check, "SELECT count(DISTINCT span_id) FROM span").ShouldBe(302L);
    }

    [Test]
    public void A_corrupt_spool_is_set_aside_with_a_clear_error_and_its_good_records_are_written()
    {
        RunWithUnusableStore(100);

        byte[] bytes = File.ReadAllBytes(_spool);
        bytes[bytes.Length / 2] ^= 0xFF;
        File.WriteAllBytes(_spool, bytes);

        TextWriter original = Console.Error;
        var captured = new StringWriter();
        Console.SetError(captured);
        try
        {
            Run(() => SpanFactory.CallAdd(1000, 0));
        }
        finally
        {
            Console.SetError(original);
        }

        captured.ToString().ShouldContain("the spool file is corrupt at offset");
        Directory.GetFiles(_directory, "traces.spool.corrupt-*").Length.ShouldBe(1);
        using var check = Open();
        long rows = (long)Scalar(check, "SELECT count(*) FROM span")!;
        rows.ShouldBeInRange(2L, 100L);
        Scalar(check, "SELECT count(*) FROM span WHERE json_extract(data, '$[0].v') = '1000'").ShouldBe(1L);
    }

    [Test]
    public void A_corrupt_database_gives_a_clear_error_is_left_untouched_and_the_records_wait_in_the_spool()
    {
        byte[] garbage = System.Text.Encoding.ASCII.GetBytes(new string('x', 8192));
        File.WriteAllBytes(_db, garbage);
        TextWriter original = Console.Error;
        var captured = new StringWriter();
        Console.SetError(captured);
        try
        {
            Monitoring.Configure(o => { o.DatabasePath = _db; o.SpoolPath = _spool; });
            for (int i = 0; i < 10; i++)
            {
                SpanFactory.CallAdd(i, i).ShouldBe(2 * i);
            }

            Monitoring.FlushAsync(TimeSpan.FromMilliseconds(300)).GetAwaiter().GetResult().ShouldBeFalse();
            Monitoring.Shutdown(TimeSpan.FromMilliseconds(300)).ShouldBeTrue("the records are saved to the spool, not lost");
        }
        finally
        {
            Console.SetError(original);
        }

        captured.ToString().ShouldContain("cannot write traces to '" + _db + "'");
        captured.ToString().ShouldContain("file is not a database");
        File.ReadAllBytes(_db).ShouldBe(garbage, "someone's file is never overwritten");
        new FileInfo(_spool).Length.ShouldBeGreaterThan(SpoolFile.HeaderSize);
    }

    [Test]
    public void A_spool_file_with_an_unknown_header_is_kept_aside_not_overwritten()
    {
        File.WriteAllText(_spool, "this is not a spool file, but someone's data that must not be lost");

        Run(() => SpanFactory.CallAdd(1, 1));

        Directory.GetFiles(_directory, "traces.spool.corrupt-*").Length.ShouldBe(1);
        using var check = Open();
        Scalar(check, "SELECT count(*) FROM span").ShouldBe(1L);
    }

    private void RunWithUnusableStore(int calls)
    {
        TextWriter original = Console.Error;
        Console.SetError(TextWriter.Null);
        try
        {
            Monitoring.Configure(o =>
            {
                o.DatabasePath = _directory;
                o.SpoolPath = _spool;
            });
            for (int i = 0; i < calls; i++)
            {
                SpanFactory.CallAdd(i, 0);
            }

            Monitoring.Shutdown(TimeSpan.FromMilliseconds(300)).ShouldBeTrue("what the store could not take is saved to the spool");
        }
        finally
        {
            Console.SetError(original);
        }
    }

    private void Run(Action calls)
    {
        Monitoring.Configure(o =>
        {
            o.DatabasePath = _db;
            o.SpoolPath = _spool;
        });
        calls();
        Monitoring.FlushAsync(TimeSpan.FromSeconds(30)).GetAwaiter().GetResult().ShouldBeTrue();
        Monitoring.Shutdown(TimeSpan.FromSeconds(5)).ShouldBeTrue();
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection($"Data Source={_db};Pooling=False");
        connection.Open();
        return connection;
    }

    private static void Exec(SqliteConnection connection, string sql)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static object? Scalar(SqliteConnection connection, string sql)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }
}
