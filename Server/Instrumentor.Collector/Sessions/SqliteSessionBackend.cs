using System.Threading;
using Instrumentor.Sessions;
using Instrumentor.Sessions.Query;
using Instrumentor.Sessions.Storage;

namespace Instrumentor.Collector.Sessions;

/// <summary>
/// The session tables in the collector's SQLite file: written through their own connection (<see cref="SessionIngest"/>,
/// which waits for the span writer's lock like any second writer), read through one connection under a lock.
/// </summary>
internal sealed class SqliteSessionBackend : ISessionBackend
{
    private readonly SessionIngest? _ingest;
    private readonly SessionStore _reader;
    private readonly Lock _readLock = new();

    /// <param name="database">The store file.</param>
    /// <param name="readOnly">An archive: read without creating the session tables; <see cref="Commit"/> is never called.</param>
    public SqliteSessionBackend(string database, bool readOnly)
    {
        // Opened now: the session tables exist from the start, for the query API and for SQL of the user's own.
        _reader = readOnly ? SessionStore.OpenReadOnly(database) : SessionStore.Open(database);
        _ingest = readOnly ? null : new SessionIngest(database);
    }

    public WriteResult Commit(SessionBatch batch) =>
        (_ingest ?? throw new System.InvalidOperationException("the store is read-only")).Commit(batch);

    public SessionPage ListSessions(SessionQuery query)
    {
        lock (_readLock)
        {
            return _reader.ListSessions(query);
        }
    }

    public StoredSession? Read(string sessionId)
    {
        lock (_readLock)
        {
            return _reader.Read(sessionId);
        }
    }

    public void Dispose()
    {
        _ingest?.Dispose();
        _reader.Dispose();
    }
}
