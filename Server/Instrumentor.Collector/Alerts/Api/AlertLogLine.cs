using System.Text.Json.Serialization;

namespace Instrumentor.Collector.Alerts.Api;

/// <summary>The <c>log</c> action's line and the engine's own reports: one JSON object per line on the collector's output.</summary>
internal sealed record AlertLogLine(
    [property: JsonPropertyName("ts")] string Ts,
    [property: JsonPropertyName("level")] string Level,
    [property: JsonPropertyName("event")] string Event,
    [property: JsonPropertyName("rule"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Rule,
    [property: JsonPropertyName("state"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? State,
    [property: JsonPropertyName("value"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? Value,
    [property: JsonPropertyName("threshold"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? Threshold,
    [property: JsonPropertyName("severity"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Severity,
    [property: JsonPropertyName("message"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Message);
