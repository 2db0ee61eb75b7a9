using System.Collections.Generic;
using System.Text.Json.Serialization;

namespace Instrumentor.Collector.Alerts.Api;

/// <summary><c>GET /api/alerts</c>: the rules in force and how the last (re)load of the file went.</summary>
internal sealed record AlertsAnswer(
    [property: JsonPropertyName("items")] IReadOnlyList<AlertItem> Items,
    [property: JsonPropertyName("config")] string? Config,
    [property: JsonPropertyName("loaded_at")] string? LoadedAt,
    [property: JsonPropertyName("reload_error")] string? ReloadError);
