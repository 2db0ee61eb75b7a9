using System;
using System.Collections.Generic;

namespace Instrumentor.Sessions;

/// <summary>
/// Something that happened in a session: a row of the <c>events</c> table. The tracer fills the ids, the time and
/// the current span's trace and span id when they are left unset.
/// </summary>
public abstract class SessionEvent
{
    private protected SessionEvent()
    {
    }

    /// <summary>The event's id (32 lowercase hex, time-ordered); drawn when the event is recorded if unset.</summary>
    public string? Id { get; set; }

    /// <summary>The session it belongs to; the current session when unset.</summary>
    public string? SessionId { get; set; }

    /// <summary>The timestep it belongs to; the current timestep (or none) when unset.</summary>
    public string? TimestepId { get; set; }

    /// <summary>When it happened (UTC); the time it was recorded when unset.</summary>
    public DateTimeOffset? EventTime { get; set; }

    /// <summary>Which system instance produced it (an agent, a model deployment, an environment).</summary>
    public string? SystemInstanceId { get; set; }

    /// <summary>The trace of the span it happened in (32 hex); the current span's when unset.</summary>
    public string? TraceId { get; set; }

    /// <summary>The span it happened in (16 hex); the current span's when unset.</summary>
    public string? SpanId { get; set; }

    /// <summary>Free-form metadata, stored as a JSON object.</summary>
    public Dictionary<string, object?>? Metadata { get; set; }

    /// <summary>A vector for similarity search, stored as a float32 blob (see <see cref="SessionStore.FindSimilarEvents"/>).</summary>
    public float[]? Embedding { get; set; }

    /// <summary>The <c>event_type</c> column: <c>cais</c>, <c>environment</c> or <c>runtime</c>.</summary>
    public abstract string EventType { get; }

    /// <summary>Adds the fields of the subtype that have no column of their own to the stored metadata.</summary>
    internal virtual void AddTypedMetadata(Dictionary<string, object?> metadata)
    {
    }

    /// <summary>Reads back what <see cref="AddTypedMetadata"/> stored.</summary>
    internal virtual void ReadTypedMetadata(IReadOnlyDictionary<string, object?> metadata)
    {
    }
}
