using System;
using System.Collections.Generic;
using Instrumentor.Collector.Alerts.Config;

namespace Instrumentor.Collector.Alerts.Evaluation;

/// <summary>A rule's state at one moment: <c>State</c> is ok, pending, firing or failed; history newest first.</summary>
internal sealed record RuleSnapshot(
    AlertRule Rule,
    string State,
    double? LastValue,
    DateTimeOffset? LastEvaluation,
    string? LastError,
    string? ActionError,
    long Evaluations,
    long Firings,
    IReadOnlyList<AlertHistoryEntry> History);
