using System.Collections.Generic;
using System.Text.Json.Serialization;

namespace Instrumentor.Collector.Json;

/// <summary><c>GET /api/spans</c>: a page, newest first, and the cursor of the next (older) page or null at the end.</summary>
internal sealed record SpanPage(
    [property: JsonPropertyName("items")] IReadOnlyList<SpanItem> Items,
    [property: JsonPropertyName("next_cursor")] string? NextCursor);
