namespace Instrumentor.Generator.Specs;

/// <summary>
/// A call to a monitored method found in the compilation. <see cref="Target"/> is filled only for methods
/// declared in other assemblies; methods declared here come from the [Monitor] declarations step, so editing
/// a method body does not re-derive its spec at every call site. A call through an interface or virtual method that
/// monitored implementations of this compilation fill has a <see cref="Dispatch"/>, and <see cref="Target"/> is then the
/// static target's shape.
/// </summary>
internal sealed record CallSiteSpec(string TargetKey, InterceptLocationSpec Location, TargetMethodSpec? Target, string? Error, DispatchSpec? Dispatch = null);
