namespace Instrumentor.Generator.Specs;

/// <summary>The resolved type tests of a wrapper for calls through an interface or virtual method.</summary>
/// <param name="Branches">The type tests, most derived first; a receiver that passes none is called untraced.</param>
/// <param name="MethodTypeArguments">"&lt;T&gt;" for a generic method, else "".</param>
internal sealed record DispatchPlanSpec(EquatableArray<DispatchBranchSpec> Branches, string MethodTypeArguments);
