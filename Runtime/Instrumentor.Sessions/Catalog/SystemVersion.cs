using System;
using System.Collections.Generic;

namespace Instrumentor.Sessions;

/// <summary>One version of a system with its configuration (a row of <c>system_versions</c>).</summary>
public sealed class SystemVersion
{
    /// <summary>The version's id; drawn when registered if unset.</summary>
    public string? VersionId { get; set; }

    /// <summary>The system it is a version of.</summary>
    public required string SystemId { get; set; }

    /// <summary>The version, e.g. <c>1.2.0</c> or a commit.</summary>
    public required string Version { get; set; }

    /// <summary>Its configuration (prompt, temperature, tools...), stored as a JSON object.</summary>
    public Dictionary<string, object?>? Configuration { get; set; }

    /// <summary>When it was created (UTC); now when unset.</summary>
    public DateTimeOffset? CreatedAt { get; set; }
}
