using System.Collections.Generic;

namespace Instrumentor.Generator.Tests.Combinatorial;

/// <summary>
/// One point of the feature product: how a monitored method is declared and called. Its source is written by
/// <see cref="CombinationSource"/>; <see cref="CombinationSampler"/> draws them from a seed.
/// </summary>
internal sealed record Combination(
    int Index,
    MethodKind Kind,
    ContainerKind Container,
    Constraint? TypeGenerics,
    Nesting Nesting,
    MethodGenerics MethodGenerics,
    Constraint? MethodConstraint,
    bool ReadonlyMember,
    bool Recursive,
    bool Throws,
    Visibility Visibility,
    IReadOnlyList<ParameterKind> Parameters,
    ReturnKind Return,
    CallSiteKind CallSite)
{
    /// <summary>A one-line description, for assertion messages.</summary>
    public string Describe() =>
        $"#{Index}: {Kind} {Visibility} method of {Container}" +
        (TypeGenerics is null ? "" : $"<{TypeGenerics.Name}>") + (Nesting == Nesting.None ? "" : $" {Nesting}") +
        $", method generics {MethodGenerics}" + (MethodConstraint is null ? "" : $" ({MethodConstraint.Name})") +
        (ReadonlyMember ? ", readonly member" : "") + (Recursive ? ", recursive" : "") + (Throws ? ", throws" : "") +
        $", parameters [{string.Join(", ", Parameters)}], returns {Return}, called {CallSite}";
}
