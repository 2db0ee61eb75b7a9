namespace Instrumentor.Generator.Specs;

/// <summary>
/// One type test of a call through an interface or virtual method, in the order the wrapper tests them.
/// </summary>
/// <param name="Type">The fully qualified type the receiver is tested against.</param>
/// <param name="Exact">Whether the test is on the exact type (<c>GetType() == typeof(T)</c>) rather than <c>is T</c>.</param>
/// <param name="ImplementationKey">
/// The monitored method the receiver's type runs, when its spec comes from the declarations step; else null.
/// </param>
/// <param name="Implementation">
/// The monitored method's spec when it is not declared with an attribute here (MonitorAll, explicit implementations);
/// null with a null <paramref name="ImplementationKey"/>: the receiver's type runs a method that is not monitored, so
/// the call stays untraced (a derived type overriding a monitored method).
/// </param>
internal sealed record DispatchCaseSpec(string Type, bool Exact, string? ImplementationKey, TargetMethodSpec? Implementation);
