using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace Instrumentor.Sessions;

/// <summary>
/// A running session, current for the async flow that started it (and the work that flow starts) until disposed.
/// Disposing ends it: its <c>num_timesteps</c>, <c>num_events</c> and <c>num_messages</c> are counted from the stored rows.
/// </summary>
public sealed class SessionScope : IAsyncDisposable
{
    private readonly SessionTracer _tracer;
    private int _nextStepIndex = -1;
    private int _ended;

    internal SessionScope(SessionTracer tracer, string sessionId, DateTimeOffset createdAt, string? experimentId,
        IReadOnlyDictionary<string, object?>? metadata, SessionScope? previous, TimestepScope? previousTimestep)
    {
        _tracer = tracer;
        SessionId = sessionId;
        CreatedAt = createdAt;
        ExperimentId = experimentId;
        Metadata = metadata;
        Previous = previous;
        PreviousTimestep = previousTimestep;
    }

    /// <summary>The session's id (32 lowercase hex).</summary>
    public string SessionId { get; }

    /// <summary>When it started (UTC).</summary>
    public DateTimeOffset CreatedAt { get; }

    /// <summary>The experiment it belongs to.</summary>
    public string? ExperimentId { get; }

    /// <summary>Its metadata.</summary>
    public IReadOnlyDictionary<string, object?>? Metadata { get; }

    /// <summary>Whether it has ended.</summary>
    public bool IsEnded => Volatile.Read(ref _ended) != 0;

    internal SessionScope? Previous { get; }

    internal TimestepScope? PreviousTimestep { get; }

    internal int NextStepIndex() => Interlocked.Increment(ref _nextStepIndex);

    internal bool MarkEnded() => Interlocked.Exchange(ref _ended, 1) == 0;

    /// <summary>Ends the session and makes the session that was current before it current again.</summary>
    public ValueTask DisposeAsync() => _tracer.EndSession(this);
}
