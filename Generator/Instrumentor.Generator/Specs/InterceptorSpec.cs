namespace Instrumentor.Generator.Specs;

/// <summary>One generated wrapper: a monitored method and every call site that it intercepts.</summary>
internal sealed record InterceptorSpec(TargetMethodSpec Target, EquatableArray<InterceptLocationSpec> Locations);
