namespace Instrumentor.Generator.Specs;

/// <summary>
/// A call to a monitored method found in the compilation. <see cref="Target"/> is filled only for methods
/// declared in other assemblies; methods declared here come from the [Monitor] declarations step, so editing
/// a method body does not re-derive its spec at every call site.
/// </summary>
internal sealed record CallSiteSpec(string TargetKey, InterceptLocationSpec Location, TargetMethodSpec? Target, string? Error);
