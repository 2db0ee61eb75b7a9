using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using Instrumentor.Testing;
using Microsoft.Data.Sqlite;

namespace Instrumentor.Tests.Storage;

/// <summary>Side rows (another package's rows of the same file) are committed by the span writer, inside its transactions.</summary>
[NonParallelizable]
public class SideRowGroupTests
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
    public void TearDown()
    {
        Monitoring.Shutdown(TimeSpan.FromSeconds(5));
        _directory.Dispose();
    }

    [Test]
    public void Side_rows_of_the_pipelines_file_are_committed_by_its_writer_and_its_flush_waits_for_them()
    {
        var source = new FakeSource(_path, rows: 3);
        SideRowSources.Register(source);
        try
        {
            Monitoring.Configure(o => o.DatabasePath = _path);
            SpanFactory.CallAdd(1, 2);
            Monitoring.FlushAsync(TimeSpan.FromSeconds(30)).GetAwaiter().GetResult().ShouldBeTrue();

            source.Commits.ShouldNotBeEmpty();
            source.HasPending.ShouldBeFalse();
            using SqliteConnection connection = StoreDatabase.Open(_path);
            StoreDatabase.Scalar(connection, "SELECT count(*) FROM side_row").ShouldBe(3L);
            StoreDatabase.Scalar(connection, "SELECT count(*) FROM span").ShouldBe(1L);

            Monitoring.Shutdown(TimeSpan.FromSeconds(5)).ShouldBeTrue();
            source.Detached.ShouldBeTrue();
        }
        finally
        {
            SideRowSources.Unregister(source);
        }
    }

    [Test]
    public void A_side_row_source_that_throws_never_stops_the_spans()
    {
        var source = new FakeSource(_path, rows: 1) { Failure = new InvalidOperationException("a bug of the source") };
        SideRowSources.Register(source);
        try
        {
            Monitoring.Configure(o => o.DatabasePath = _path);
            SpanFactory.CallAdd(1, 2);
            SpanFactory.CallFail("kept");
            Monitoring.FlushAsync(TimeSpan.FromSeconds(30)).GetAwaiter().GetResult().ShouldBeTrue();

            Monitoring.Stats.Written.ShouldBe(2);
            Monitoring.Stats.Rejected.ShouldBe(0);
            source.Commits.ShouldBeEmpty();
            using SqliteConnection connection = StoreDatabase.Open(_path);
            StoreDatabase.Scalar(connection, "SELECT count(*) FROM sqlite_master WHERE name = 'side_row'").ShouldBe(0L);
        }
        finally
        {
            SideRowSources.Unregister(source);
        }
    }

    /// <summary>Creates <c>side_row</c> and inserts its rows in the writer's transaction; or throws <see cref="Failure"/>.</summary>
    private sealed class FakeSource(string path, int rows) : ISideRowSource
    {
        private int _pending = rows;
        private int _staged;

        public string StorePath { get; } = SideRowSources.FullPath(path);

        public bool HasPending => Volatile.Read(ref _pending) > 0;

        public Exception? Failure { get; init; }

        public List<SideRowCommit> Commits { get; } = new();

        public bool Detached { get; private set; }

        public void Attach(SideRowGroup group) => Detached = false;

        public void Detach(SideRowGroup group) => Detached = true;

        public int Stage(SqliteConnection connection, SqliteTransaction transaction)
        {
            using SqliteCommand command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "CREATE TABLE IF NOT EXISTS side_row (n INTEGER);";
            command.ExecuteNonQuery();
            if (Failure is not null)
            {
                throw Failure;
            }

            _staged = _pending;
            for (int i = 0; i < _staged; i++)
            {
                command.CommandText = "INSERT INTO side_row (n) VALUES (" + i + ");";
                command.ExecuteNonQuery();
            }

            return _staged;
        }

        public void Committed(SideRowCommit commit)
        {
            Commits.Add(commit);
            Interlocked.Add(ref _pending, -_staged);
            _staged = 0;
        }

        public void RolledBack() => _staged = 0;
    }
}
