using System.Collections.Generic;
using System.Text.Json.Serialization;

namespace Instrumentor.Collector.Json;

/// <summary><c>GET /api/traces/{trace_id}</c>: every span of the trace, in start order.</summary>
internal sealed record TraceAnswer(
    [property: JsonPropertyName("trace_id")] string TraceId,
    [property: JsonPropertyName("spans")] IReadOnlyList<SpanItem> Spans);
