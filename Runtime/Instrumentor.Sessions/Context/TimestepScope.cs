using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace Instrumentor.Sessions;

/// <summary>A running timestep (one turn or step of the agent), current until disposed; disposing completes it.</summary>
public sealed class TimestepScope : IAsyncDisposable
{
    private readonly SessionTracer _tracer;
    private int _ended;

    internal TimestepScope(SessionTracer tracer, string id, SessionScope session, string stepId, int stepIndex, int? turnNumber,
        DateTimeOffset startedAt, string? metadata, TimestepScope? previous)
    {
        _tracer = tracer;
        Id = id;
        Session = session;
        StepId = stepId;
        StepIndex = stepIndex;
        TurnNumber = turnNumber;
        StartedAt = startedAt;
        MetadataJson = metadata;
        Previous = previous;
    }

    /// <summary>The timestep's id (32 lowercase hex).</summary>
    public string Id { get; }

    /// <summary>The session it belongs to.</summary>
    public SessionScope Session { get; }

    /// <summary>Its name (<c>step_id</c>).</summary>
    public string StepId { get; }

    /// <summary>Its position in the session, from 0.</summary>
    public int StepIndex { get; }

    /// <summary>The conversation turn.</summary>
    public int? TurnNumber { get; }

    /// <summary>When it started (UTC).</summary>
    public DateTimeOffset StartedAt { get; }

    /// <summary>When it ended (UTC); <see langword="null"/> while it runs.</summary>
    public DateTimeOffset? CompletedAt { get; internal set; }

    internal string? MetadataJson { get; }

    internal TimestepScope? Previous { get; }

    internal bool MarkEnded() => Interlocked.Exchange(ref _ended, 1) == 0;

    /// <summary>Completes the timestep and makes the one current before it current again.</summary>
    public ValueTask DisposeAsync() => _tracer.EndTimestep(this);
}
