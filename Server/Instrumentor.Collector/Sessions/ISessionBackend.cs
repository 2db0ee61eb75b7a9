using System;
using Instrumentor.Sessions;
using Instrumentor.Sessions.Query;
using Instrumentor.Sessions.Storage;

namespace Instrumentor.Collector.Sessions;

/// <summary>
/// Where the collector keeps the session tables: next to the spans, in the SQLite file (<see cref="SqliteSessionBackend"/>)
/// or the PostgreSQL database (<see cref="Store.Postgres.PostgresSessionStore"/>). Thread-safe.
/// </summary>
internal interface ISessionBackend : IDisposable
{
    /// <summary>Commits a validated batch in one transaction; rows already stored (same ids) are left as they were.</summary>
    WriteResult Commit(SessionBatch batch);

    /// <summary>A page of sessions, newest first, with their totals.</summary>
    /// <exception cref="ArgumentException">A bad limit or cursor.</exception>
    SessionPage ListSessions(SessionQuery query);

    /// <summary>One session with its timesteps, events and messages in order; null when not stored.</summary>
    StoredSession? Read(string sessionId);
}
