using System;

namespace Instrumentor.Collector.Alerts.Evaluation;

/// <summary>One event in a rule's history: <c>firing</c>, <c>resolved</c>, <c>failed</c> or <c>recovered</c>.</summary>
internal sealed record AlertHistoryEntry(DateTimeOffset At, string Event, double? Value, string? Detail);
