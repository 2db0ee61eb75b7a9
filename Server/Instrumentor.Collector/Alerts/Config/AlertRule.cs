using System;

namespace Instrumentor.Collector.Alerts.Config;

/// <summary>One <c>[[alerts.rule]]</c> of an alerts file, validated (docs/alerts.md).</summary>
internal sealed record AlertRule
{
    /// <summary>Unique name of the rule; webhooks and <c>/api/alerts</c> report it.</summary>
    public required string Name { get; init; }

    /// <summary>SQL whose first column of the first row is the rule's value (no row or NULL: 0).</summary>
    public required string Query { get; init; }

    /// <summary>The rule fires when its value is at least this.</summary>
    public required double Threshold { get; init; }

    /// <summary>What happens on firing and on resolving.</summary>
    public required AlertAction Action { get; init; }

    /// <summary>Where a webhook rule posts (http or https); null for <see cref="AlertAction.Log"/>.</summary>
    public Uri? Url { get; init; }

    /// <summary>How often the rule runs (<c>interval_seconds</c>; default: the file's <c>check_interval_seconds</c>).</summary>
    public required TimeSpan Interval { get; init; }

    /// <summary>How long the value must stay at or above the threshold before the rule fires (<c>for_seconds</c>).</summary>
    public TimeSpan For { get; init; }

    /// <summary>The shortest time between two firings of the rule (<c>cooldown_seconds</c>).</summary>
    public TimeSpan Cooldown { get; init; }

    /// <summary>A free label passed on to actions (<c>severity</c>; default "warning").</summary>
    public string Severity { get; init; } = "warning";

    /// <summary>SQL listing spans to send as the sample of a firing (<c>sample_query</c>); null: derived from <see cref="Query"/>.</summary>
    public string? SampleQuery { get; init; }
}
