using System.Collections.Generic;
using System.Text.Json.Serialization;

namespace Instrumentor.Collector.Json;

/// <summary>Every JSON shape of the collector, serialized by source-generated code (no reflection: AOT and trimming safe).</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.Never, NumberHandling = JsonNumberHandling.Strict,
    AllowTrailingCommas = false, ReadCommentHandling = System.Text.Json.JsonCommentHandling.Disallow)]
[JsonSerializable(typeof(StreamBody))]
[JsonSerializable(typeof(BatchBody))]
[JsonSerializable(typeof(List<LogBody?>))]
[JsonSerializable(typeof(IngestAnswer))]
[JsonSerializable(typeof(LogIngestAnswer))]
[JsonSerializable(typeof(SpanItem))]
[JsonSerializable(typeof(SpanDetail))]
[JsonSerializable(typeof(SpanPage))]
[JsonSerializable(typeof(LogPage))]
[JsonSerializable(typeof(TraceAnswer))]
[JsonSerializable(typeof(StatsAnswer))]
[JsonSerializable(typeof(GraphAnswer))]
[JsonSerializable(typeof(StatusAnswer))]
[JsonSerializable(typeof(ProblemDocument))]
internal sealed partial class CollectorJsonContext : JsonSerializerContext;
