using System;

namespace Instrumentor.Collector.Alerts.Evaluation;

/// <summary>One event in a rule's history: <c>firing</c>, <c>resolved</c>, <c>failed</c> or <c>recovered</c>.</summary>
/// <remarks><c>Evaluation</c> is the ordinal of the evaluation that caused it (1 = the rule's first).</remarks>
internal sealed record AlertHistoryEntry(DateTimeOffset At, long Evaluation, string Event, double? Value, string? Detail);
