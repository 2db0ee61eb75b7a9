using System;
using System.Buffers.Binary;
using System.Diagnostics;
using System.IO;
using System.Threading;
using Instrumentor.Testing;
using Microsoft.Data.Sqlite;

namespace Instrumentor.Tests.Storage;

[NonParallelizable]
public class WalCheckpointerTests
{
    private TempDirectory _directory = null!;
    private string _path = "";

    [SetUp]
    public void SetUp()
    {
        _directory = new TempDirectory("tests");
        _path = _directory.Combine("traces.db");
    }

    [TearDown]
    public void TearDown() => _directory.Dispose();

    [Test]
    public void The_log_reaches_the_database_file_while_the_writer_keeps_its_connection()
    {
        using var sink = new SqliteSpanSink(_path, "svc");
        sink.Write(Records(WalCheckpointer.RowsPerCheckpoint, firstId: 1), null);

        // Far below SQLite's own threshold (1,000 pages of log; these rows are a few hundred), so only the background
        // checkpoint copies them into the file before the sink closes.
        WaitUntil(() => PagesInDatabaseFile() > 50);
        PagesInDatabaseFile().ShouldBeGreaterThan(50, "the database file's header counts the pages a checkpoint copied into it");
        RowCount().ShouldBe(WalCheckpointer.RowsPerCheckpoint);
    }

    [Test]
    public void A_few_small_commits_ask_for_no_checkpoint_so_a_slow_store_is_not_synced_more_often_than_sqlite_would()
    {
        using var sink = new SqliteSpanSink(_path, "svc");
        sink.Write(Records(10, firstId: 1), null);
        long before = PagesInDatabaseFile();
        for (int i = 0; i < 5; i++)
        {
            sink.Write(Records(10, firstId: 100 + (ulong)i * 10), null);
        }

        Thread.Sleep(500);
        PagesInDatabaseFile().ShouldBe(before, "60 rows in 6 commits stay in the log until a threshold or the close");
        RowCount().ShouldBe(60);
    }

    [Test]
    public void Many_small_commits_are_checkpointed_however_few_rows_they_hold()
    {
        using var sink = new SqliteSpanSink(_path, "svc");
        for (int i = 0; i < WalCheckpointer.CommitsPerCheckpoint; i++)
        {
            sink.Write(Records(1, firstId: 1 + (ulong)i), null);
        }

        WaitUntil(() => PagesInDatabaseFile() > 2);
        PagesInDatabaseFile().ShouldBeGreaterThan(2);
        RowCount().ShouldBe(WalCheckpointer.CommitsPerCheckpoint);
    }

    [Test]
    public void Closing_the_sink_closes_the_checkpoints_connection_too_so_the_log_is_removed()
    {
        var sink = new SqliteSpanSink(_path, "svc");
        sink.Write(Records(WalCheckpointer.RowsPerCheckpoint, firstId: 1), null);
        sink.Dispose();

        // SQLite removes the log when the last connection to the file closes: a connection left open by the
        // checkpoint's thread would keep it.
        File.Exists(_path + "-wal").ShouldBeFalse();
        RowCount().ShouldBe(WalCheckpointer.RowsPerCheckpoint);
    }

    [Test]
    public void A_checkpoint_that_cannot_open_its_file_fails_quietly_and_stops_cleanly()
    {
        using SqliteConnection writer = StoreConnection.Open(_path);
        // The checkpoint's own connection opens a file that does not exist (read-write, no create): it fails.
        using var checkpointer = WalCheckpointer.Start(writer, Path.Combine(_directory.Path, "missing", "traces.db"));
        checkpointer.Committed(WalCheckpointer.RowsPerCheckpoint);

        WaitUntil(() => checkpointer.Failures > 0);
        checkpointer.Failures.ShouldBe(1);
        checkpointer.Checkpoints.ShouldBe(0);
        StoreDatabase.Scalar(writer, "PRAGMA wal_autocheckpoint").ShouldBe((long)WalCheckpointer.FallbackPages,
            "the writer's own checkpoint bounds the log while the background one fails");
    }

    private static SpanRecord[] Records(int count, ulong firstId)
    {
        var records = new SpanRecord[count];
        for (int i = 0; i < count; i++)
        {
            ulong id = firstId + (ulong)i;
            long now = Stopwatch.GetTimestamp();
            records[i] = new SpanRecord
            {
                Site = SpanFactory.Add,
                TraceHigh = 1,
                TraceLow = id,
                SpanId = id,
                StartTimestamp = now,
                EndTimestamp = now,
                ThreadId = 1,
            };
        }

        return records;
    }

    private long RowCount()
    {
        using SqliteConnection connection = StoreDatabase.Open(_path);
        return (long)StoreDatabase.Scalar(connection, "SELECT count(*) FROM span")!;
    }

    // The "in-header database size" (bytes 28–31, big-endian): written into the file by the checkpoints that copy
    // pages from the log, never by a commit that only appends to the log.
    private long PagesInDatabaseFile()
    {
        using var file = new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        if (file.Length < 32)
        {
            return 0;
        }

        var header = new byte[32];
        file.ReadExactly(header);
        return BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(28, 4));
    }

    private static void WaitUntil(Func<bool> done)
    {
        var clock = Stopwatch.StartNew();
        while (!done() && clock.Elapsed < TimeSpan.FromSeconds(20))
        {
            Thread.Sleep(20);
        }
    }
}
