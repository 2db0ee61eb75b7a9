namespace Instrumentor.Generator.Specs;

/// <summary>
/// What a call site through an interface or virtual method needs beyond its static target: the type tests that pick
/// the monitored implementation, and the method's own type parameters (passed explicitly, never inferred).
/// </summary>
/// <param name="Cases">The type tests, most derived first.</param>
/// <param name="MethodTypeArguments">"&lt;T&gt;" for a generic method, else "".</param>
internal sealed record DispatchSpec(EquatableArray<DispatchCaseSpec> Cases, string MethodTypeArguments);
