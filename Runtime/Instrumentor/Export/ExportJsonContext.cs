using System.Text.Json.Serialization;

namespace Instrumentor.Export;

/// <summary>Source-generated serializers of the request bodies (no reflection: the runtime is AOT-compatible).</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(WireBatch))]
[JsonSerializable(typeof(WireStream))]
[JsonSerializable(typeof(WireEvent))]
internal sealed partial class ExportJsonContext : JsonSerializerContext
{
}
