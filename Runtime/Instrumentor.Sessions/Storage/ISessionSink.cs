using System;
using System.Threading;
using System.Threading.Tasks;

namespace Instrumentor.Sessions.Storage;

/// <summary>Where the session writer commits its batches: the local SQLite store or the collector.</summary>
internal interface ISessionSink : IDisposable
{
    /// <summary>Commits <paramref name="batch"/> as a whole; returns only once it is durable.</summary>
    Task<WriteResult> WriteAsync(SessionBatch batch, CancellationToken cancellationToken);
}
