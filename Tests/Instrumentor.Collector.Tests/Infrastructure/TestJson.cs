using System.Text.Json.Serialization;

namespace Instrumentor.Collector.Tests.Infrastructure;

/// <summary>Source-generated JSON for the few values tests serialize.</summary>
[JsonSerializable(typeof(string))]
internal sealed partial class TestJson : JsonSerializerContext;
