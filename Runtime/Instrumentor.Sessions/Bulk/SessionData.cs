using System;
using System.Collections.Generic;

namespace Instrumentor.Sessions;

/// <summary>A complete session for <see cref="SessionTracer.BatchInsertSessionsAsync"/>: the session with its timesteps, events and messages.</summary>
public sealed class SessionData
{
    /// <summary>The session's id; drawn when inserted if unset. Inserting an id that is already stored does nothing.</summary>
    public string? SessionId { get; set; }

    /// <summary>When it started (UTC); now when unset.</summary>
    public DateTimeOffset? CreatedAt { get; set; }

    /// <summary>Free-form metadata, stored as a JSON object.</summary>
    public Dictionary<string, object?>? Metadata { get; set; }

    /// <summary>The experiment it belongs to.</summary>
    public string? ExperimentId { get; set; }

    /// <summary>Its timesteps.</summary>
    public List<TimestepData> Timesteps { get; } = new();

    /// <summary>Its events; an event names its timestep by <see cref="SessionEvent.TimestepId"/> (a <see cref="TimestepData.Id"/>).</summary>
    public List<SessionEvent> Events { get; } = new();

    /// <summary>Its messages.</summary>
    public List<SessionMessage> Messages { get; } = new();
}
