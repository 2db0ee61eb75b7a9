using System;
using System.Threading;
using Microsoft.Data.Sqlite;

namespace Instrumentor;

/// <summary>
/// Copies the store's write-ahead log into the database file on a thread of its own, so the span writer only appends
/// to the log. SQLite's automatic checkpoint runs inside the commit that crosses its threshold, on the committing
/// thread: the writer then stops inserting while the log's pages are read back, written into the file and synced.
/// Here the writer signals after its commits (<see cref="Committed"/>) and this thread runs a <c>PASSIVE</c>
/// checkpoint, which never waits for the writer or readers and never blocks them.
/// </summary>
/// <remarks>
/// <para>
/// The policy follows SQLite's own (a checkpoint about every 1,000 pages of log): a checkpoint is asked for after
/// <see cref="RowsPerCheckpoint"/> rows or <see cref="CommitsPerCheckpoint"/> commits, whichever comes first, so a
/// store written slowly is not synced more often than SQLite would sync it. The writer's connection keeps SQLite's
/// automatic checkpoint as a bound at <see cref="FallbackPages"/> pages, for when this thread falls behind (a loaded
/// machine); the log then cannot grow without limit.
/// </para>
/// <para>
/// Durability is unchanged: with <c>synchronous = NORMAL</c> a commit is in the log (safe from a killed process, as
/// before) and the log is synced by the checkpoint that copies it, as SQLite's own checkpoint does.
/// </para>
/// </remarks>
internal sealed class WalCheckpointer : IDisposable
{
    /// <summary>Rows committed after which a checkpoint is asked for (about SQLite's 1,000 pages at ~340 bytes a span).</summary>
    internal const int RowsPerCheckpoint = 2_000;

    /// <summary>Commits after which a checkpoint is asked for however few rows they held (each dirties a few pages).</summary>
    internal const int CommitsPerCheckpoint = 100;

    /// <summary>The log size, in pages, at which the writer's own connection checkpoints anyway (SQLite's default: 1,000).</summary>
    internal const int FallbackPages = 4_096;

    private readonly string _path;
    private readonly Thread _thread;
    private readonly AutoResetEvent _asked = new(false);
    private volatile bool _stopping;
    private int _rows;
    private int _commits;
    private long _checkpoints;
    private long _failures;

    private WalCheckpointer(string path)
    {
        _path = path;
        _thread = new Thread(Run) { IsBackground = true, Name = "Instrumentor checkpoint" };
    }

    /// <summary>Checkpoints that copied or found nothing to copy (a test hook: the thread runs).</summary>
    internal long Checkpoints => Interlocked.Read(ref _checkpoints);

    /// <summary>Checkpoints that failed (a test hook; the first is reported on stderr).</summary>
    internal long Failures => Interlocked.Read(ref _failures);

    /// <summary>
    /// Takes the checkpoints of <paramref name="writer"/>'s store over: the writer's automatic checkpoint is raised
    /// to <see cref="FallbackPages"/> and a thread with its own connection to <paramref name="path"/> starts.
    /// </summary>
    internal static WalCheckpointer Start(SqliteConnection writer, string path)
    {
        using (SqliteCommand command = writer.CreateCommand())
        {
            command.CommandText = $"PRAGMA wal_autocheckpoint = {FallbackPages};";
            command.ExecuteNonQuery();
        }

        var checkpointer = new WalCheckpointer(path);
        checkpointer._thread.Start();
        return checkpointer;
    }

    /// <summary>Called by the writer after a commit of <paramref name="rows"/> rows; cheap, never blocks.</summary>
    internal void Committed(int rows)
    {
        _rows += rows;
        _commits++;
        if (_rows >= RowsPerCheckpoint || _commits >= CommitsPerCheckpoint)
        {
            _rows = 0;
            _commits = 0;
            _asked.Set();
        }
    }

    /// <summary>Stops the thread (after the checkpoint it may be running); the writer's connection checkpoints at its close.</summary>
    public void Dispose()
    {
        _stopping = true;
        _asked.Set();
        _thread.Join();
        _asked.Dispose();
    }

    private void Run()
    {
        SqliteConnection? connection = null;
        bool reported = false;
        while (true)
        {
            _asked.WaitOne();
            if (_stopping)
            {
                connection?.Dispose();
                return;
            }

            try
            {
                connection ??= Open(_path);
                Checkpoint(connection);
            }
            catch (Exception exception)
            {
                // The file is locked in a way a passive checkpoint does not expect, or it went away: the writer's own
                // automatic checkpoint (FallbackPages) still bounds the log, so the store stays correct. Said once;
                // the next request tries again on a new connection.
                connection?.Dispose();
                connection = null;
                Interlocked.Increment(ref _failures);
                if (!reported)
                {
                    reported = true;
                    Console.Error.WriteLine(
                        $"Instrumentor: the store's background checkpoint failed ({exception.GetType().Name}: {exception.Message}); the writer's own checkpoint bounds the log meanwhile.");
                }
            }
        }
    }

    private void Checkpoint(SqliteConnection connection)
    {
        using SqliteCommand command = connection.CreateCommand();
        // PASSIVE: copies what no reader still needs, never waits (SQLite calls no busy handler for it), so a long
        // reader or another process's checkpoint only makes this one copy less.
        command.CommandText = "PRAGMA wal_checkpoint(PASSIVE);";
        command.ExecuteNonQuery();
        Interlocked.Increment(ref _checkpoints);
    }

    private static SqliteConnection Open(string path)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWrite,
            Pooling = false,
        }.ToString());
        connection.Open();
        return connection;
    }
}
