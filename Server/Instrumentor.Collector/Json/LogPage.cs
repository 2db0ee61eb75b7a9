using System.Collections.Generic;
using System.Text.Json.Serialization;

namespace Instrumentor.Collector.Json;

/// <summary><c>GET /api/logs</c>: a page, newest first, and the cursor of the next (older) page or null at the end.</summary>
internal sealed record LogPage(
    [property: JsonPropertyName("items")] IReadOnlyList<LogItem> Items,
    [property: JsonPropertyName("next_cursor")] string? NextCursor);
