using System.Collections.Generic;

namespace Instrumentor.Sessions;

/// <summary>What the agent's runtime did (<c>event_type = 'runtime'</c>): a tool call, an action taken.</summary>
public sealed class RuntimeEvent : SessionEvent
{
    /// <summary>The action or tool, e.g. <c>search</c>.</summary>
    public string? Action { get; set; }

    /// <inheritdoc />
    public override string EventType => "runtime";

    internal override void AddTypedMetadata(Dictionary<string, object?> metadata)
    {
        if (Action is not null)
        {
            metadata["action"] = Action;
        }
    }

    internal override void ReadTypedMetadata(IReadOnlyDictionary<string, object?> metadata)
    {
        if (metadata.TryGetValue("action", out object? a) && a is string action)
        {
            Action = action;
        }
    }
}
