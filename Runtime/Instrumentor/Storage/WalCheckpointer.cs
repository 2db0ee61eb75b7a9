using System;
using System.Threading;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Instrumentor;

/// <summary>
/// Copies the store's write-ahead log back into the database file on its own thread, so the span writer only ever
/// appends to the log. SQLite's automatic checkpoint runs inside the commit that crossed its threshold: on the writer's
/// thread, reading back and rewriting every page and syncing the file twice (measured: about a tenth of the writer's
/// time). Here the writer only signals after a commit (<see cref="Committed"/>, no wait) and this thread runs a
/// PASSIVE checkpoint, which never blocks the writer nor a reader.
/// </summary>
/// <remarks>
/// Durability is unchanged: a commit is complete once its frames are in the log (what a killed process leaves behind
/// is every committed transaction), and a checkpoint syncs the log before it copies it, as SQLite's own does. The writer
/// keeps its automatic checkpoint at a larger threshold (<see cref="WriterAutoCheckpointPages"/>) as a bound: the log
/// can be reset only once it is copied completely, which a checkpointer running behind a busy writer may rarely see.
/// </remarks>
internal sealed class WalCheckpointer : IDisposable
{
    /// <summary>The writer connection's own automatic checkpoint threshold, in pages: only a bound on the log's size.</summary>
    internal const int WriterAutoCheckpointPages = 16_384;

    // One checkpoint at most this often: each syncs the log and the database, so fewer and larger ones cost less.
    private static readonly TimeSpan s_minInterval = TimeSpan.FromMilliseconds(50);

    private readonly string _path;
    private readonly Thread _thread;
    private readonly AutoResetEvent _wake = new(false);
    private volatile bool _stopping;
    private int _pending;
    private SqliteConnection? _connection;
    private bool _warned;

    /// <summary>Frames copied back by this thread so far (tests, benchmarks).</summary>
    internal long FramesCheckpointed;

    /// <summary>Checkpoints run by this thread so far (tests, benchmarks).</summary>
    internal long Checkpoints;

    internal WalCheckpointer(string path)
    {
        _path = path;
        _thread = new Thread(Run) { IsBackground = true, Name = "Instrumentor checkpoint" };
        _thread.Start();
    }

    /// <summary>Called by the writer after each commit: one interlocked write and, at most once per checkpoint, a signal.</summary>
    internal void Committed()
    {
        if (Interlocked.Exchange(ref _pending, 1) == 0)
        {
            _wake.Set();
        }
    }

    /// <summary>Stops the thread after the checkpoint in progress, if any, and closes its connection.</summary>
    public void Dispose()
    {
        _stopping = true;
        _wake.Set();
        if (_thread.Join(TimeSpan.FromSeconds(10)))
        {
            _wake.Dispose();
        }
    }

    private void Run()
    {
        try
        {
            while (!_stopping)
            {
                _wake.WaitOne();
                if (_stopping)
                {
                    break;
                }

                Volatile.Write(ref _pending, 0);
                long started = System.Diagnostics.Stopwatch.GetTimestamp();
                Checkpoint();
                TimeSpan rest = s_minInterval - System.Diagnostics.Stopwatch.GetElapsedTime(started);
                if (rest > TimeSpan.Zero && !_stopping)
                {
                    Thread.Sleep(rest);
                }
            }
        }
        finally
        {
            _connection?.Dispose();
            _connection = null;
        }
    }

    private void Checkpoint()
    {
        try
        {
            if (_connection is null)
            {
                // A plain connection: the writer opened and migrated the file already, and this one never writes rows.
                var connection = new SqliteConnection(new SqliteConnectionStringBuilder
                {
                    DataSource = _path,
                    Mode = SqliteOpenMode.ReadWrite,
                    Pooling = false,
                }.ToString());
                connection.Open();
                _connection = connection;
                using SqliteCommand read = connection.CreateCommand();
                // A connection learns that the file is in WAL mode only when it first reads it; before that a
                // checkpoint finds no log and does nothing (it reports -1 frames).
                read.CommandText = "PRAGMA busy_timeout = 5000; SELECT count(*) FROM sqlite_schema;";
                read.ExecuteScalar();
            }

            int rc = raw.sqlite3_wal_checkpoint_v2(_connection.Handle, null, raw.SQLITE_CHECKPOINT_PASSIVE, out int logFrames, out int copied);
            if (rc == raw.SQLITE_BUSY || rc == raw.SQLITE_LOCKED)
            {
                return; // another checkpoint (the writer's bound, another process) is running: the next signal retries
            }

            if (rc != raw.SQLITE_OK)
            {
                SqliteException.ThrowExceptionForRC(rc, _connection.Handle);
            }

            if (logFrames < 0)
            {
                throw new InvalidOperationException("the checkpoint found no write-ahead log (the file is not in WAL mode)");
            }

            Interlocked.Increment(ref Checkpoints);
            Interlocked.Add(ref FramesCheckpointed, Math.Max(0, copied));
        }
        catch (Exception ex)
        {
            // The writer's own automatic checkpoint still bounds the log: report once, reopen next time.
            if (!_warned)
            {
                _warned = true;
                InstrumentorEventSource.Log.Warning("the background WAL checkpoint of '" + _path + "' failed (" + RecordText.Describe(ex) + "); the writer checkpoints itself meanwhile");
            }

            _connection?.Dispose();
            _connection = null;
        }
    }
}
