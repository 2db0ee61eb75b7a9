namespace Instrumentor.Sessions;

/// <summary>A system under test, e.g. an agent or a model deployment (a row of <c>systems</c>).</summary>
public sealed class AgentSystem
{
    /// <summary>The system's id; drawn when registered if unset.</summary>
    public string? SystemId { get; set; }

    /// <summary>Its name.</summary>
    public required string Name { get; set; }

    /// <summary>What kind of system, e.g. <c>agent</c>, <c>llm</c>, <c>environment</c>.</summary>
    public string? SystemType { get; set; }

    /// <summary>What it is.</summary>
    public string? Description { get; set; }
}
