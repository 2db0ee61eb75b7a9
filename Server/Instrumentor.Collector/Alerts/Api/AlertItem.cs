using System.Collections.Generic;
using System.Text.Json.Serialization;

namespace Instrumentor.Collector.Alerts.Api;

/// <summary>One rule in <c>GET /api/alerts</c>: <c>state</c> is ok, pending, firing or failed; history newest first.</summary>
internal sealed record AlertItem(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("state")] string State,
    [property: JsonPropertyName("severity")] string Severity,
    [property: JsonPropertyName("query")] string Query,
    [property: JsonPropertyName("threshold")] double Threshold,
    [property: JsonPropertyName("action")] string Action,
    [property: JsonPropertyName("interval_seconds")] double IntervalSeconds,
    [property: JsonPropertyName("last_value")] double? LastValue,
    [property: JsonPropertyName("last_evaluation")] string? LastEvaluation,
    [property: JsonPropertyName("last_error")] string? LastError,
    [property: JsonPropertyName("action_error")] string? ActionError,
    [property: JsonPropertyName("evaluations")] long Evaluations,
    [property: JsonPropertyName("firings")] long Firings,
    [property: JsonPropertyName("history")] IReadOnlyList<AlertHistoryItem> History);
