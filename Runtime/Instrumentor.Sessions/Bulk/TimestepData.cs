using System;
using System.Collections.Generic;

namespace Instrumentor.Sessions;

/// <summary>A timestep of a <see cref="SessionData"/> (a row of <c>session_timesteps</c>).</summary>
public sealed class TimestepData
{
    /// <summary>The timestep's id; drawn when inserted if unset.</summary>
    public string? Id { get; set; }

    /// <summary>Its name (<c>step_id</c>).</summary>
    public required string StepId { get; set; }

    /// <summary>Its position in the session, from 0.</summary>
    public int StepIndex { get; set; }

    /// <summary>The conversation turn it belongs to.</summary>
    public int? TurnNumber { get; set; }

    /// <summary>When it started (UTC); the session's start when unset.</summary>
    public DateTimeOffset? StartedAt { get; set; }

    /// <summary>When it ended (UTC).</summary>
    public DateTimeOffset? CompletedAt { get; set; }

    /// <summary>Free-form metadata, stored as a JSON object.</summary>
    public Dictionary<string, object?>? Metadata { get; set; }
}
