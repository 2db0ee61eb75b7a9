namespace Instrumentor.Generator.Specs;

/// <summary>One intercepted call site: the compiler's opaque location and a readable one for comments.</summary>
internal sealed record InterceptLocationSpec(int Version, string Data, string Display);
