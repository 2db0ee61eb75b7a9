using System.Text.Json.Serialization;

namespace Instrumentor.Collector.Alerts.Api;

/// <summary>One entry of a rule's history: <c>event</c> is firing, resolved, failed or recovered; <c>evaluation</c> the
/// ordinal of the evaluation that caused it.</summary>
internal sealed record AlertHistoryItem(
    [property: JsonPropertyName("at")] string At,
    [property: JsonPropertyName("evaluation")] long Evaluation,
    [property: JsonPropertyName("event")] string Event,
    [property: JsonPropertyName("value")] double? Value,
    [property: JsonPropertyName("detail")] string? Detail);
