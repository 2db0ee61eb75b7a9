namespace Instrumentor.Generator.Specs;

/// <summary>
/// One generated wrapper: a monitored method and every call site that it intercepts; or, with a
/// <see cref="Dispatch"/>, an interface or virtual method whose receiver is tested for monitored implementations.
/// </summary>
internal sealed record InterceptorSpec(TargetMethodSpec Target, EquatableArray<InterceptLocationSpec> Locations, DispatchPlanSpec? Dispatch = null);
