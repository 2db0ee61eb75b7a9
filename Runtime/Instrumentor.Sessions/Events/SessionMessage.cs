using System;
using System.Collections.Generic;

namespace Instrumentor.Sessions;

/// <summary>A message exchanged in a session: a row of the <c>messages</c> table.</summary>
public sealed class SessionMessage
{
    /// <summary>The message's id; drawn when recorded if unset.</summary>
    public string? Id { get; set; }

    /// <summary>The session; the current one when unset.</summary>
    public string? SessionId { get; set; }

    /// <summary>The timestep; the current one (or none) when unset.</summary>
    public string? TimestepId { get; set; }

    /// <summary>Who it is from.</summary>
    public MessageType MessageType { get; set; }

    /// <summary>The text.</summary>
    public string Content { get; set; } = "";

    /// <summary>When it was sent (UTC); the time it was recorded when unset.</summary>
    public DateTimeOffset? EventTime { get; set; }

    /// <summary>Free-form metadata, stored as a JSON object.</summary>
    public Dictionary<string, object?>? Metadata { get; set; }

    /// <summary>A vector for similarity search, stored as a float32 blob.</summary>
    public float[]? Embedding { get; set; }
}
