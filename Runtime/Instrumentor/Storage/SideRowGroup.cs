using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using Microsoft.Data.Sqlite;

namespace Instrumentor;

/// <summary>
/// The side-row sources attached to one running pipeline's store: <see cref="SqliteSpanSink.Write"/> stages their
/// rows inside each span transaction and tells them whether it committed. Sources attach and detach from any thread
/// (the array is replaced, never changed in place); staging happens on the writer thread only.
/// </summary>
internal sealed class SideRowGroup
{
    private const string Savepoint = "side_rows";
    private readonly object _lock = new();
    private readonly List<(ISideRowSource Source, int Items)> _staged = new();
    private ISideRowSource[] _sources = Array.Empty<ISideRowSource>();
    private Action _wake = static () => { };
    private long _transactions;

    // After a round in which sources said they had rows but none could be taken (a source busy handing over, or
    // failing): the writer does not come back for them before this time, rather than commit empty transactions in a loop.
    private long _quietUntil;
    private bool _warned;

    internal SideRowGroup(string storePath) => StorePath = SideRowSources.FullPath(storePath);

    /// <summary>The full path of the store file this group's writer commits to.</summary>
    internal string StorePath { get; }

    /// <summary>Whether any attached source has rows waiting.</summary>
    internal bool HasPending
    {
        get
        {
            if (Stopwatch.GetTimestamp() < Volatile.Read(ref _quietUntil))
            {
                return false;
            }

            foreach (ISideRowSource source in Volatile.Read(ref _sources))
            {
                if (source.HasPending)
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>Transactions committed on this store by the writer so far (side rows or not).</summary>
    internal long Transactions => Interlocked.Read(ref _transactions);

    /// <summary>The sources attached now (tests).</summary>
    internal IReadOnlyList<ISideRowSource> Sources => Volatile.Read(ref _sources);

    /// <summary>Asks the writer for a round now, if it sleeps (a flush of a source); one volatile read otherwise.</summary>
    internal void Wake() => Volatile.Read(ref _wake)();

    /// <summary>Set by the pipeline once its writer runs.</summary>
    internal void SetWake(Action wake) => Volatile.Write(ref _wake, wake);

    internal void Add(ISideRowSource source)
    {
        lock (_lock)
        {
            if (Array.IndexOf(_sources, source) < 0)
            {
                ISideRowSource[] next = new ISideRowSource[_sources.Length + 1];
                _sources.CopyTo(next, 0);
                next[^1] = source;
                Volatile.Write(ref _sources, next);
            }
        }

        source.Attach(this);
        Wake();
    }

    internal void Remove(ISideRowSource source)
    {
        bool removed;
        lock (_lock)
        {
            int index = Array.IndexOf(_sources, source);
            removed = index >= 0;
            if (removed)
            {
                var next = new List<ISideRowSource>(_sources);
                next.RemoveAt(index);
                Volatile.Write(ref _sources, next.ToArray());
            }
        }

        if (removed)
        {
            source.Detach(this);
        }
    }

    /// <summary>Detaches every source (the pipeline stopped; its writer has ended or was abandoned).</summary>
    internal void DetachAll()
    {
        ISideRowSource[] sources;
        lock (_lock)
        {
            sources = _sources;
            Volatile.Write(ref _sources, Array.Empty<ISideRowSource>());
        }

        foreach (ISideRowSource source in sources)
        {
            source.Detach(this);
        }
    }

    /// <summary>
    /// Stages every attached source's rows inside <paramref name="transaction"/>, each behind a savepoint: a source
    /// that fails for any reason but the store's own is rolled back to it alone, so it can never fail the spans.
    /// </summary>
    /// <exception cref="Exception">The store failed (the caller rolls the whole transaction back and retries).</exception>
    internal void Stage(SqliteConnection connection, SqliteTransaction transaction)
    {
        _staged.Clear();
        bool pending = false;
        int taken = 0;
        foreach (ISideRowSource source in Volatile.Read(ref _sources))
        {
            if (!source.HasPending)
            {
                continue;
            }

            pending = true;
            transaction.Save(Savepoint);
            int rows;
            try
            {
                rows = source.Stage(connection, transaction);
            }
            catch (Exception ex) when (!SinkFailure.IsStoreFailure(ex))
            {
                // A bug of the source: its rows are not written this time, the spans are.
                transaction.Rollback(Savepoint);
                transaction.Release(Savepoint);
                if (!_warned)
                {
                    _warned = true;
                    SelfDiagnostics.Error("a side-row source failed while the trace writer staged it; its rows were skipped this batch: " + RecordText.Describe(ex));
                }

                continue;
            }
            catch
            {
                RolledBack();
                throw;
            }

            transaction.Release(Savepoint);
            _staged.Add((source, rows));
            taken += rows;
        }

        if (pending && taken == 0)
        {
            Volatile.Write(ref _quietUntil, Stopwatch.GetTimestamp() + (Stopwatch.Frequency / 20));
        }
    }

    /// <summary>The transaction committed with <paramref name="spans"/> spans: tells the sources staged in it.</summary>
    internal void Committed(int spans)
    {
        long transaction = Interlocked.Increment(ref _transactions);
        foreach ((ISideRowSource source, int items) in _staged)
        {
            source.Committed(new SideRowCommit(transaction, spans, items));
        }

        _staged.Clear();
    }

    /// <summary>The transaction rolled back: the staged sources keep their rows for the next one.</summary>
    internal void RolledBack()
    {
        foreach ((ISideRowSource source, _) in _staged)
        {
            source.RolledBack();
        }

        _staged.Clear();
    }
}
