namespace Instrumentor.Generator.Specs;

/// <summary>One type test of a dispatch wrapper, resolved: the traced wrapper to call, or none (untraced).</summary>
/// <param name="Type">The fully qualified type the receiver is tested against.</param>
/// <param name="Exact">Whether the test is on the exact type.</param>
/// <param name="Traced">
/// The static target's shape with the monitored implementation's settings, captures and source; null when the
/// receiver's type runs an unmonitored override (the original call, untraced).
/// </param>
internal sealed record DispatchBranchSpec(string Type, bool Exact, TargetMethodSpec? Traced);
