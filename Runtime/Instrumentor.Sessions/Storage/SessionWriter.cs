using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;
using Microsoft.Data.Sqlite;

namespace Instrumentor.Sessions.Storage;

/// <summary>
/// The writer of a <see cref="SessionTracer"/>: callers queue rows (never blocking, never doing I/O) and one drainer
/// at a time commits what it finds as one transaction. When the tracer writes the local store that the span pipeline
/// (<see cref="Monitoring"/>) writes too, the span writer is that drainer: the rows are staged inside the
/// transaction of its span batch (<see cref="ISideRowSource"/>), one connection and one transaction a batch for the
/// whole process. Otherwise (another file, no pipeline running, a collector over HTTP), this writer's own loop drains
/// them; it takes over whenever the pipeline stops, and hands over when one starts on the file.
/// </summary>
/// <remarks>
/// A failed transaction keeps its rows at the front of the queue and is tried again (backoff on the own loop, the
/// span writer's retry otherwise): nothing queued is dropped while the tracer lives. A row the store refuses for its
/// content is set aside in <c>&lt;database&gt;.sessions.rejected</c> and counted, the rest commits. Flushes and bulk
/// inserts are markers in the same queue, so they see everything queued before them.
/// </remarks>
internal sealed class SessionWriter : IAsyncDisposable, ISideRowSource
{
    private readonly Channel<object> _queue = Channel.CreateUnbounded<object>();
    private readonly ISessionSink _sink;
    private readonly SqliteSessionSink? _sqlite;
    private readonly RejectedRowsFile? _rejectedFile;
    private readonly int _maxBatch;

    // One drainer at a time, this writer's loop or the span writer: held by the span writer from Stage to Committed/RolledBack.
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly List<object> _carry = new();
    private readonly Task _loop;
    private SideRowGroup? _group;
    private TaskCompletionSource _detached = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private SessionRound? _staged;
    private SqliteConnection? _migratedOn;
    private SqliteConnection? _migratingOn;
    private long _pending;
    private long _queued;
    private long _written;
    private long _failedAttempts;
    private long _setAside;
    private long _sharedCommits;
    private long _sharedCommitsWithSpans;
    private long _lastSharedTransaction;
    private long _ownCommits;
    private string? _lastError;

    /// <summary>A writer to <paramref name="sink"/>; <paramref name="storePath"/> is the SQLite file when the sink is one.</summary>
    internal SessionWriter(ISessionSink sink, int maxBatch, string? storePath = null)
    {
        _sink = sink;
        _sqlite = sink as SqliteSessionSink;
        _maxBatch = Math.Max(1, maxBatch);
        StorePath = storePath is null ? string.Empty : SideRowSources.FullPath(storePath);
        _rejectedFile = storePath is null ? null : new RejectedRowsFile(storePath);
        _detached.SetResult();
        if (_sqlite is not null && storePath is not null)
        {
            // Before the loop starts: attached to a running pipeline, the loop never takes the gate the span writer needs.
            SideRowSources.Register(this);
        }

        _loop = Task.Run(RunAsync);
    }

    /// <inheritdoc />
    public string StorePath { get; }

    /// <inheritdoc />
    public bool HasPending => Volatile.Read(ref _pending) > 0;

    internal long Queued => Interlocked.Read(ref _queued);

    internal long Written => Interlocked.Read(ref _written);

    internal long FailedAttempts => Interlocked.Read(ref _failedAttempts);

    /// <summary>Rows the store refused for their content, set aside (in <see cref="RejectedPath"/> when it could be written).</summary>
    internal long SetAside => Interlocked.Read(ref _setAside);

    internal string? RejectedPath => _rejectedFile?.Path;

    internal string? LastError => Volatile.Read(ref _lastError);

    /// <summary>Whether the span pipeline's writer drains this writer now.</summary>
    internal bool Shared => Volatile.Read(ref _group) is not null;

    /// <summary>Transactions of the span writer that committed rows of this writer.</summary>
    internal long SharedCommits => Interlocked.Read(ref _sharedCommits);

    /// <summary>Of those, the transactions that committed spans too.</summary>
    internal long SharedCommitsWithSpans => Interlocked.Read(ref _sharedCommitsWithSpans);

    /// <summary>The span writer's number of the last transaction that committed rows of this writer (0: none).</summary>
    internal long LastSharedTransaction => Interlocked.Read(ref _lastSharedTransaction);

    /// <summary>Rounds this writer committed on its own connection (not the span writer's).</summary>
    internal long OwnCommits => Interlocked.Read(ref _ownCommits);

    /// <summary>Queues one row (or <see cref="SessionEnd"/>).</summary>
    internal void Enqueue(object write)
    {
        if (!_queue.Writer.TryWrite(write))
        {
            throw new ObjectDisposedException(nameof(SessionTracer), "the session tracer was disposed");
        }

        Interlocked.Increment(ref _queued);
        Interlocked.Increment(ref _pending);
        Volatile.Read(ref _group)?.Wake();
    }

    /// <summary>Completes once everything queued before it is committed.</summary>
    internal Task FlushAsync()
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_queue.Writer.TryWrite(new SessionFlush(done)))
        {
            return _loop;
        }

        Interlocked.Increment(ref _pending);
        Volatile.Read(ref _group)?.Wake();
        return done.Task;
    }

    /// <summary>Commits <paramref name="batch"/> all or nothing, after everything queued before it.</summary>
    internal Task<WriteResult> WriteNowAsync(SessionBatch batch)
    {
        var bulk = new BulkWrite(batch);
        if (!_queue.Writer.TryWrite(bulk))
        {
            throw new ObjectDisposedException(nameof(SessionTracer), "the session tracer was disposed");
        }

        Interlocked.Increment(ref _pending);
        Volatile.Read(ref _group)?.Wake();
        return bulk.Done.Task;
    }

    /// <inheritdoc />
    public void Attach(SideRowGroup group)
    {
        Volatile.Write(ref _detached, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        Volatile.Write(ref _group, group);
    }

    /// <inheritdoc />
    public void Detach(SideRowGroup group)
    {
        if (Interlocked.CompareExchange(ref _group, null, group) == group)
        {
            Volatile.Read(ref _detached).TrySetResult();
        }
    }

    /// <inheritdoc />
    public int Stage(SqliteConnection connection, SqliteTransaction transaction)
    {
        if (!_gate.Wait(0))
        {
            // The own loop is committing a round it took before the pipeline started: the next batch takes the rest.
            return 0;
        }

        SessionRound round = Take();
        try
        {
            if (!ReferenceEquals(connection, _migratedOn))
            {
                // The span writer's connection made the span tables; the session tables join them in this transaction.
                SessionSchema.Migrate(connection, transaction);
                _migratingOn = connection;
            }

            if (round.Rows.Count > 0)
            {
                SqliteSessionSink.ApplyGuarded(connection, transaction, round.Rows, round.SetAside);
            }

            foreach (BulkWrite bulk in round.Bulks)
            {
                transaction.Save("session_bulk");
                try
                {
                    bulk.Result = SqliteSessionSink.ApplyRows(connection, transaction, bulk.Batch);
                    transaction.Release("session_bulk");
                }
                catch (Exception ex) when (!SinkFailure.IsStoreFailure(ex))
                {
                    transaction.Rollback("session_bulk");
                    transaction.Release("session_bulk");
                    bulk.Failure = ex;
                }
            }
        }
        catch
        {
            PutBack(round);
            _gate.Release();
            throw;
        }

        _staged = round;
        return round.Items.Count;
    }

    /// <inheritdoc />
    public void Committed(SideRowCommit commit)
    {
        if (Interlocked.Exchange(ref _staged, null) is not { } round)
        {
            return;
        }

        if (_migratingOn is not null)
        {
            _migratedOn = _migratingOn;
            _migratingOn = null;
        }

        Interlocked.Increment(ref _sharedCommits);
        if (commit.Spans > 0 && round.Rows.Count > 0)
        {
            Interlocked.Increment(ref _sharedCommitsWithSpans);
        }

        Interlocked.Exchange(ref _lastSharedTransaction, commit.Transaction);
        Finish(round);
        _gate.Release();
    }

    /// <inheritdoc />
    public void RolledBack()
    {
        if (Interlocked.Exchange(ref _staged, null) is not { } round)
        {
            return;
        }

        _migratingOn = null;
        PutBack(round);
        _gate.Release();
    }

    /// <summary>Takes what waits, the carried-back items first, up to the batch size or a bulk insert. Holds the gate.</summary>
    private SessionRound Take()
    {
        var round = new SessionRound();
        foreach (object item in _carry)
        {
            round.Add(item);
        }

        _carry.Clear();
        while (round.Rows.Count < _maxBatch && round.Bulks.Count == 0 && _queue.Reader.TryRead(out object? item))
        {
            round.Add(item);
        }

        return round;
    }

    /// <summary>A round whose transaction did not commit goes back to the front of the queue, unchanged. Holds the gate.</summary>
    private void PutBack(SessionRound round)
    {
        round.ResetOutcome();
        _carry.InsertRange(0, round.Items);
    }

    /// <summary>The round's transaction committed: account, set aside what the store refused, answer bulks and flushes.</summary>
    private void Finish(SessionRound round)
    {
        Interlocked.Add(ref _written, round.Rows.Count - round.SetAside.Count);
        if (round.SetAside.Count > 0)
        {
            SetAsideRows(round.SetAside);
        }

        foreach (BulkWrite bulk in round.Bulks)
        {
            if (bulk.Failure is { } failure)
            {
                bulk.Done.TrySetException(failure);
            }
            else
            {
                bulk.Done.TrySetResult(bulk.Result);
            }
        }

        foreach (TaskCompletionSource flush in round.Flushes)
        {
            flush.TrySetResult();
        }

        Interlocked.Add(ref _pending, -round.Items.Count);
    }

    private void SetAsideRows(List<RejectedRow> rows)
    {
        Interlocked.Add(ref _setAside, rows.Count);
        RejectedRow first = rows[0];
        Volatile.Write(ref _lastError, first.Reason.GetType().Name + ": " + first.Reason.Message);
        string? where = null;
        try
        {
            _rejectedFile?.Save(rows);
            where = _rejectedFile?.Path;
        }
        catch (Exception ex)
        {
            SessionDiagnostics.WriteFailed(ex);
        }

        SessionDiagnostics.RowsRejected(rows.Count, first.Reason, where);
    }

    private async Task RunAsync()
    {
        ChannelReader<object> reader = _queue.Reader;
        while (true)
        {
            if (Volatile.Read(ref _group) is not null)
            {
                // The span writer drains the queue; wait until its pipeline stops.
                await Volatile.Read(ref _detached).Task.ConfigureAwait(false);
                continue;
            }

            if (Volatile.Read(ref _pending) == 0 && !await reader.WaitToReadAsync().ConfigureAwait(false))
            {
                return;
            }

            if (Volatile.Read(ref _group) is not null)
            {
                // Attached while waiting. (Attached in the instant after this check, the span writer finds the gate taken
                // and skips this writer for one batch: the rows then commit in the next one.)
                continue;
            }

            await _gate.WaitAsync().ConfigureAwait(false);
            try
            {
                if (Volatile.Read(ref _group) is not null)
                {
                    continue;
                }

                SessionRound round = Take();
                if (round.Items.Count > 0)
                {
                    await CommitAloneAsync(round).ConfigureAwait(false);
                    Interlocked.Increment(ref _ownCommits);
                    Finish(round);
                }
            }
            finally
            {
                _gate.Release();
            }
        }
    }

    /// <summary>Commits a round on this writer's own sink: rows (guarded per row on SQLite), then the bulk insert.</summary>
    private async Task CommitAloneAsync(SessionRound round)
    {
        if (round.Rows.Count > 0)
        {
            if (_sqlite is { } sqlite)
            {
                await RetryAsync(() => Task.FromResult(sqlite.WriteGuarded(round.Rows, round.SetAside)), permanent: false).ConfigureAwait(false);
            }
            else
            {
                await RetryAsync(() => _sink.WriteAsync(round.Rows, CancellationToken.None), permanent: false).ConfigureAwait(false);
            }
        }

        foreach (BulkWrite bulk in round.Bulks)
        {
            try
            {
                bulk.Result = await RetryAsync(() => _sink.WriteAsync(bulk.Batch, CancellationToken.None), permanent: _sqlite is not null).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                bulk.Failure = ex;
            }
        }
    }

    /// <summary>
    /// Retries <paramref name="write"/> with backoff (capped at 5 s) until it succeeds; with <paramref name="permanent"/>,
    /// a failure of the content rather than the store (SQLite) is thrown instead, since it would fail forever.
    /// </summary>
    private async Task<WriteResult> RetryAsync(Func<Task<WriteResult>> write, bool permanent)
    {
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                return await write().ConfigureAwait(false);
            }
            catch (Exception ex) when (!permanent || SinkFailure.IsStoreFailure(ex))
            {
                Interlocked.Increment(ref _failedAttempts);
                Volatile.Write(ref _lastError, ex.GetType().Name + ": " + ex.Message);
                SessionDiagnostics.WriteFailed(ex);
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(5000, 50 << Math.Min(attempt, 7)))).ConfigureAwait(false);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Shared)
        {
            // Committed by the span writer, in its next batch, rather than by a second connection.
            await FlushAsync().ConfigureAwait(false);
        }

        _queue.Writer.TryComplete();
        SideRowSources.Unregister(this);
        await _loop.ConfigureAwait(false);
        _sink.Dispose();
    }
}
