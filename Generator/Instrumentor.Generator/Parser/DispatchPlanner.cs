using System.Collections.Generic;
using System.Collections.Immutable;
using Instrumentor.Generator.Specs;

namespace Instrumentor.Generator.Parser;

/// <summary>
/// Resolves the type tests of a dispatch call site against the declared specs: each monitored implementation becomes
/// a traced wrapper with the static target's signature and the implementation's settings, captures and source.
/// </summary>
internal static class DispatchPlanner
{
    private static readonly CaptureSpec s_generic = CaptureSpec.ByFactory("FromGeneric");

    /// <summary>The resolved plan, or <see langword="null"/> when no monitored implementation is left to trace.</summary>
    public static DispatchPlanSpec? Resolve(TargetMethodSpec shape, DispatchSpec dispatch, IReadOnlyDictionary<string, TargetMethodSpec> declared)
    {
        var branches = ImmutableArray.CreateBuilder<DispatchBranchSpec>(dispatch.Cases.Length);
        bool traces = false;
        foreach (DispatchCaseSpec test in dispatch.Cases)
        {
            TargetMethodSpec? implementation = test.Implementation
                ?? (test.ImplementationKey is not null && declared.TryGetValue(test.ImplementationKey, out TargetMethodSpec? d) ? d : null);
            // A monitored implementation whose spec is missing stays a test, untraced: a base type's test further down
            // must not catch it.
            TargetMethodSpec? traced = implementation is null ? null : Merge(shape, implementation);
            traces |= traced is not null;
            branches.Add(new DispatchBranchSpec(test.Type, test.Exact, traced));
        }

        return traces ? new DispatchPlanSpec(new EquatableArray<DispatchBranchSpec>(branches.MoveToImmutable()), dispatch.MethodTypeArguments) : null;
    }

    /// <summary>
    /// The static target's signature (what the call site passes) traced as the implementation: its process name,
    /// settings, parameter names and captures, and its source. A capture planned for a type the signature does not
    /// have (a generic interface implemented for one type argument) captures the value as a generic one.
    /// </summary>
    private static TargetMethodSpec? Merge(TargetMethodSpec shape, TargetMethodSpec implementation)
    {
        if (shape.Parameters.Length != implementation.Parameters.Length)
        {
            return null;
        }

        var parameters = ImmutableArray.CreateBuilder<ParameterSpec>(shape.Parameters.Length);
        for (int i = 0; i < shape.Parameters.Length; i++)
        {
            ParameterSpec own = shape.Parameters[i];
            ParameterSpec theirs = implementation.Parameters[i];
            parameters.Add(own with { Name = theirs.Name, Capture = Compatible(own.Type, theirs.Type, theirs.Capture) });
        }

        // An iterator implementing a method that returns a sequence: its span covers the enumeration.
        ReturnShape returns = shape.Shape == ReturnShape.Value && implementation.Shape is ReturnShape.Enumerable or ReturnShape.AsyncEnumerable
            ? implementation.Shape
            : shape.Shape;
        return shape with
        {
            Key = implementation.Key,
            Shape = returns,
            ResultCapture = Compatible(shape.ResultType, implementation.ResultType, implementation.ResultCapture),
            Parameters = new EquatableArray<ParameterSpec>(parameters.MoveToImmutable()),
            Settings = implementation.Settings,
            Source = implementation.Source,
            // The traced branch runs the implementation's body (the type test chose it), so the start is chosen from
            // that body, as for an ordinary wrapper, not from the static target, which has none to inspect.
            FlowsContext = implementation.FlowsContext,
            TaskOnStack = implementation.TaskOnStack,
        };
    }

    private static CaptureSpec Compatible(string ownType, string theirType, CaptureSpec theirs) =>
        ownType == theirType || theirs.Kind is CaptureKind.Skip or CaptureKind.Masked || theirs is { Kind: CaptureKind.Length, Factory: "span" }
            ? theirs
            : s_generic;
}
