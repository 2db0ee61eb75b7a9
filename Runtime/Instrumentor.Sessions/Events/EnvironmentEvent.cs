using System.Collections.Generic;

namespace Instrumentor.Sessions;

/// <summary>What the environment answered to the agent (<c>event_type = 'environment'</c>): reward, termination, observation.</summary>
public sealed class EnvironmentEvent : SessionEvent
{
    /// <summary>The reward of the step, if the environment gives one.</summary>
    public double? Reward { get; set; }

    /// <summary>Whether the episode ended.</summary>
    public bool? Terminated { get; set; }

    /// <summary>What the agent observed, as text.</summary>
    public string? Observation { get; set; }

    /// <inheritdoc />
    public override string EventType => "environment";

    internal override void AddTypedMetadata(Dictionary<string, object?> metadata)
    {
        if (Reward is double reward)
        {
            metadata["reward"] = reward;
        }

        if (Terminated is bool terminated)
        {
            metadata["terminated"] = terminated;
        }

        if (Observation is not null)
        {
            metadata["observation"] = Observation;
        }
    }

    internal override void ReadTypedMetadata(IReadOnlyDictionary<string, object?> metadata)
    {
        if (metadata.TryGetValue("reward", out object? r) && r is double reward)
        {
            Reward = reward;
        }

        if (metadata.TryGetValue("terminated", out object? t) && t is bool terminated)
        {
            Terminated = terminated;
        }

        if (metadata.TryGetValue("observation", out object? o) && o is string observation)
        {
            Observation = observation;
        }
    }
}
