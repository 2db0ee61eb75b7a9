using System;
using System.Collections.Generic;

namespace Instrumentor.Collector.Alerts.Config;

/// <summary>A validated alerts file: the <c>[alerts]</c> table and its rules (docs/alerts.md).</summary>
internal sealed record AlertConfig
{
    public static readonly TimeSpan DefaultCheckInterval = TimeSpan.FromSeconds(15);
    public static readonly TimeSpan DefaultQueryTimeout = TimeSpan.FromSeconds(5);

    /// <summary>The file it was read from (for messages and reloads).</summary>
    public required string Path { get; init; }

    /// <summary><c>check_interval_seconds</c>: how often rules without their own interval run.</summary>
    public TimeSpan CheckInterval { get; init; } = DefaultCheckInterval;

    /// <summary><c>query_timeout_seconds</c>: a rule's query taking longer is interrupted and the rule marked failed.</summary>
    public TimeSpan QueryTimeout { get; init; } = DefaultQueryTimeout;

    /// <summary>The rules, in file order, names unique.</summary>
    public required IReadOnlyList<AlertRule> Rules { get; init; }
}
