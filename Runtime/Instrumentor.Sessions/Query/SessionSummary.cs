using System;

namespace Instrumentor.Sessions;

/// <summary>A session with its totals, as listed by <see cref="SessionStore.ListSessions"/>.</summary>
public sealed record SessionSummary
{
    /// <summary>The session's id.</summary>
    public required string SessionId { get; init; }

    /// <summary>When it started, in the store's text form (UTC <c>YYYY-MM-DD HH:MM:SS.ffffff</c>).</summary>
    public required string CreatedAt { get; init; }

    /// <summary>Its experiment.</summary>
    public string? ExperimentId { get; init; }

    /// <summary>Its metadata as JSON text.</summary>
    public string? Metadata { get; init; }

    /// <summary>Timesteps stored.</summary>
    public long NumTimesteps { get; init; }

    /// <summary>Events stored.</summary>
    public long NumEvents { get; init; }

    /// <summary>Messages stored.</summary>
    public long NumMessages { get; init; }

    /// <summary>Sum of the events' input tokens.</summary>
    public long InputTokens { get; init; }

    /// <summary>Sum of the events' output tokens.</summary>
    public long OutputTokens { get; init; }

    /// <summary>Sum of the events' total tokens.</summary>
    public long TotalTokens { get; init; }

    /// <summary>Sum of the events' cost, in dollars.</summary>
    public decimal CostUsd { get; init; }
}
