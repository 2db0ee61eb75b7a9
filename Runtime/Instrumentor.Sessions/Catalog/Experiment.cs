using System;
using System.Collections.Generic;

namespace Instrumentor.Sessions;

/// <summary>A group of sessions run to compare something (a row of <c>experiments</c>).</summary>
public sealed class Experiment
{
    /// <summary>The experiment's id; drawn when created if unset.</summary>
    public string? ExperimentId { get; set; }

    /// <summary>Its name.</summary>
    public required string Name { get; set; }

    /// <summary>What it is about.</summary>
    public string? Description { get; set; }

    /// <summary>Its configuration, stored as a JSON object.</summary>
    public Dictionary<string, object?>? Configuration { get; set; }

    /// <summary>When it was created (UTC); now when unset.</summary>
    public DateTimeOffset? CreatedAt { get; set; }
}
