using System.Collections.Generic;

namespace Instrumentor.Sessions;

/// <summary>A stored session with its timesteps, events and messages in order (by index, then time).</summary>
/// <param name="Summary">The session and its totals.</param>
/// <param name="Timesteps">Its timesteps by <c>step_index</c>.</param>
/// <param name="Events">Its events by time, typed by <c>event_type</c>.</param>
/// <param name="Messages">Its messages by time.</param>
public sealed record SessionDetail(SessionSummary Summary, IReadOnlyList<TimestepData> Timesteps, IReadOnlyList<SessionEvent> Events,
    IReadOnlyList<SessionMessage> Messages);
