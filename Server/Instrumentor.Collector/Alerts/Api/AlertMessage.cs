using System.Collections.Generic;
using System.Text.Json.Serialization;

namespace Instrumentor.Collector.Alerts.Api;

/// <summary>
/// What an action sends when a rule fires or resolves: the webhook's JSON body and the <c>log</c> action's line
/// (docs/alerts.md, "Webhook body"). <c>at</c> is the evaluation's time, ISO 8601 UTC.
/// </summary>
internal sealed record AlertMessage(
    [property: JsonPropertyName("rule")] string Rule,
    [property: JsonPropertyName("state")] string State,
    [property: JsonPropertyName("value")] double Value,
    [property: JsonPropertyName("threshold")] double Threshold,
    [property: JsonPropertyName("at")] string At,
    [property: JsonPropertyName("severity")] string Severity,
    [property: JsonPropertyName("query")] string Query,
    [property: JsonPropertyName("sample"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    IReadOnlyList<IReadOnlyDictionary<string, string?>>? Sample);
