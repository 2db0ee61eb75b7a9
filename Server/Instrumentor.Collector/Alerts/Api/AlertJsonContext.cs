using System.Text.Json.Serialization;

namespace Instrumentor.Collector.Alerts.Api;

/// <summary>The alerts' JSON shapes, serialized by source-generated code like the rest of the collector (AOT-safe).</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.Never, NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(AlertsAnswer))]
[JsonSerializable(typeof(AlertMessage))]
[JsonSerializable(typeof(AlertLogLine))]
internal sealed partial class AlertJsonContext : JsonSerializerContext;
