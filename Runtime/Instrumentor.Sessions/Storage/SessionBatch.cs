using System.Collections.Generic;

namespace Instrumentor.Sessions.Storage;

/// <summary>
/// Writes committed together in one transaction. Applied in dependency order (catalog, sessions, timesteps, events,
/// messages, then the ends of sessions, which count their rows), so the order they were queued in within the batch
/// does not matter.
/// </summary>
internal sealed class SessionBatch
{
    internal List<ExperimentRow> Experiments { get; } = new();
    internal List<SystemRow> Systems { get; } = new();
    internal List<SystemVersionRow> SystemVersions { get; } = new();
    internal List<SessionRow> Sessions { get; } = new();
    internal List<TimestepRow> Timesteps { get; } = new();
    internal List<EventRow> Events { get; } = new();
    internal List<MessageRow> Messages { get; } = new();

    /// <summary>Sessions whose <c>num_*</c> counters are brought up to date (at their end, or after a bulk insert).</summary>
    internal List<string> SessionEnds { get; } = new();

    internal int Count => Experiments.Count + Systems.Count + SystemVersions.Count + Sessions.Count + Timesteps.Count
        + Events.Count + Messages.Count + SessionEnds.Count;

    internal void Add(object write)
    {
        switch (write)
        {
            case ExperimentRow r: Experiments.Add(r); break;
            case SystemRow r: Systems.Add(r); break;
            case SystemVersionRow r: SystemVersions.Add(r); break;
            case SessionRow r: Sessions.Add(r); break;
            case TimestepRow r: Timesteps.Add(r); break;
            case EventRow r: Events.Add(r); break;
            case MessageRow r: Messages.Add(r); break;
            case SessionEnd r: SessionEnds.Add(r.SessionId); break;
            default: throw new System.ArgumentException("not a session write: " + write.GetType().Name, nameof(write));
        }
    }

    /// <summary>Every write of the batch, one by one, in the order they are applied (what <see cref="Add"/> takes).</summary>
    internal IEnumerable<object> Rows()
    {
        foreach (ExperimentRow r in Experiments) { yield return r; }
        foreach (SystemRow r in Systems) { yield return r; }
        foreach (SystemVersionRow r in SystemVersions) { yield return r; }
        foreach (SessionRow r in Sessions) { yield return r; }
        foreach (TimestepRow r in Timesteps) { yield return r; }
        foreach (EventRow r in Events) { yield return r; }
        foreach (MessageRow r in Messages) { yield return r; }
        foreach (string id in SessionEnds) { yield return new SessionEnd(id); }
    }

    internal void AddRange(SessionBatch other)
    {
        Experiments.AddRange(other.Experiments);
        Systems.AddRange(other.Systems);
        SystemVersions.AddRange(other.SystemVersions);
        Sessions.AddRange(other.Sessions);
        Timesteps.AddRange(other.Timesteps);
        Events.AddRange(other.Events);
        Messages.AddRange(other.Messages);
        SessionEnds.AddRange(other.SessionEnds);
    }
}

/// <summary>The end of a session: its counters are recomputed from its rows.</summary>
internal sealed record SessionEnd(string SessionId);
