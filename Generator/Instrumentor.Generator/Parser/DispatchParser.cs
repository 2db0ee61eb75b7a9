using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Instrumentor.Generator.Specs;
using Instrumentor.Rules;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Instrumentor.Generator.Parser;

/// <summary>
/// Calls whose static target is an interface or virtual method that is not monitored itself, but that monitored
/// methods of this compilation implement or override (DI code calls services through interfaces). The wrapper tests
/// the receiver's type: a monitored implementation is traced with its own settings; anything else is called as
/// written. The original call (the same virtual or interface dispatch) runs in both cases, so behaviour never changes.
/// </summary>
internal static class DispatchParser
{
    /// <summary>Past this many type tests a call site is left alone: a long chain would cost every call.</summary>
    public const int MaxTypeTests = 8;

    private static readonly MonitorSettings s_shapeSettings = new("", null, 1.0, CaptureArgs: false, CaptureResult: false, 1);

    private static readonly SymbolDisplayFormat s_typeFormat = SymbolDisplayFormat.FullyQualifiedFormat;

    /// <summary>The dispatch call site, or <see langword="null"/> when no monitored implementation can be the receiver.</summary>
    public static CallSiteSpec? TryParse(GeneratorSyntaxContext context, InvocationExpressionSyntax invocation, IMethodSymbol method, CancellationToken cancellationToken)
    {
        if (!IsSlot(method))
        {
            return null;
        }

        Compilation compilation = context.SemanticModel.Compilation;
        var rows = ImplementationIndex.For(compilation).RowsFor(method);
        if (rows.IsDefaultOrEmpty || !rows.Any(static r => r.Monitored))
        {
            return null;
        }

        if (InterceptionRules.IsBaseCall(invocation) || IsConstrainedCall(context.SemanticModel, invocation, cancellationToken)
            || !Interceptability.TryGetAccessor(method, compilation, out AccessorKind accessor) || accessor != AccessorKind.None
            || CallSiteParser.IsInExpressionTree(context.SemanticModel, invocation, cancellationToken))
        {
            return null;
        }

        List<DispatchCaseSpec>? cases = PlanCases(rows, compilation);
        if (cases is null)
        {
            return null;
        }

        var location = context.SemanticModel.GetInterceptableLocation(invocation, cancellationToken);
        if (location is null)
        {
            return null;
        }

        TargetMethodSpec shape = TargetMethodParser.Build(method, compilation, s_shapeSettings, AccessorKind.None);
        string typeArguments = method.TypeParameters.Length == 0 ? "" : "<" + string.Join(", ", method.TypeParameters.Select(static p => p.Name)) + ">";
        var where = new InterceptLocationSpec(location.Version, location.Data, CallSiteParser.Display(invocation.GetLocation()));
        return new CallSiteSpec(KeyPrefix + TargetMethodParser.KeyOf(method), where, shape, null, new DispatchSpec(EquatableArray.From(cases), typeArguments));
    }

    /// <summary>Prefixes the target key of dispatch call sites, so they never group with direct calls of the same method.</summary>
    public const string KeyPrefix = "dispatch:";

    /// <summary>An interface method or an overridable class method, called on an instance.</summary>
    private static bool IsSlot(IMethodSymbol method) =>
        !method.IsStatic && method.MethodKind == MethodKind.Ordinary && method.ContainingType is { } type
        && (type.TypeKind == TypeKind.Interface
            ? method.IsAbstract || method.IsVirtual
            : type.TypeKind == TypeKind.Class && !type.IsSealed && !method.IsSealed && (method.IsVirtual || method.IsAbstract || method.IsOverride))
        && type.SpecialType != SpecialType.System_Object;

    // A call on a value of a type parameter (`T item; item.M()`) is a constrained call: a wrapper taking the interface
    // would box a struct receiver and lose its mutations.
    private static bool IsConstrainedCall(SemanticModel model, InvocationExpressionSyntax invocation, CancellationToken cancellationToken) =>
        invocation.Expression is MemberAccessExpressionSyntax access
        && model.GetTypeInfo(access.Expression, cancellationToken).Type is ITypeParameterSymbol;

    /// <summary>
    /// The type tests, most derived first, or null when none would trace anything or there would be too many.
    /// A type needs a test when what it runs differs from what its nearest base type in the list runs: a monitored
    /// implementation (traced), or an override of a monitored method that is not monitored (called untraced, before
    /// the base type's test catches it). When such a type cannot be named in generated code (generic, private, file
    /// local), the tests become exact-type tests of the monitored implementations, which no other type can pass.
    /// </summary>
    private static List<DispatchCaseSpec>? PlanCases(IReadOnlyList<DispatchRow> rows, Compilation compilation)
    {
        var byType = new Dictionary<INamedTypeSymbol, DispatchRow?>(SymbolEqualityComparer.Default);
        foreach (DispatchRow row in rows)
        {
            // A type implementing a generic interface twice runs different methods by type argument: no single test.
            byType[row.Type] = byType.TryGetValue(row.Type, out DispatchRow? seen)
                && !SymbolEqualityComparer.Default.Equals(seen?.Implementation, row.Implementation) ? null : row;
        }

        // What each type runs, when that is a monitored method (null: untraced, whatever it runs).
        var runs = new Dictionary<INamedTypeSymbol, IMethodSymbol?>(SymbolEqualityComparer.Default);
        foreach (KeyValuePair<INamedTypeSymbol, DispatchRow?> entry in byType)
        {
            runs[entry.Key] = entry.Value is { Monitored: true } row ? row.Implementation : null;
        }

        var needed = new List<INamedTypeSymbol>();
        bool exact = false;
        foreach (KeyValuePair<INamedTypeSymbol, IMethodSymbol?> entry in runs)
        {
            IMethodSymbol? inherited = Inherited(entry.Key, runs);
            bool ambiguous = byType[entry.Key] is null;
            if (!ambiguous && SymbolEqualityComparer.Default.Equals(entry.Value, inherited))
            {
                continue;
            }

            if (ambiguous || !IsNameable(entry.Key, compilation))
            {
                // It would pass its base type's test and be traced as a method it does not run.
                exact |= inherited is not null;
                continue;
            }

            needed.Add(entry.Key);
        }

        IEnumerable<INamedTypeSymbol> tested = exact
            ? runs.Where(r => r.Value is not null && byType[r.Key] is not null && IsNameable(r.Key, compilation)).Select(static r => r.Key)
            : needed;
        var cases = tested
            .OrderByDescending(Depth)
            .ThenBy(static t => t.ToDisplayString(s_typeFormat), StringComparer.Ordinal)
            .Select(t => Case(t, runs[t], exact, compilation))
            .ToList();
        if (cases.Count == 0 || cases.Count > MaxTypeTests || cases.All(static c => c.ImplementationKey is null && c.Implementation is null))
        {
            return null;
        }

        return cases;
    }

    private static DispatchCaseSpec Case(INamedTypeSymbol type, IMethodSymbol? implementation, bool exact, Compilation compilation)
    {
        string name = type.ToDisplayString(s_typeFormat);
        // A sealed type or a struct has no subtypes: `is` is already an exact test (and the JIT makes it one compare).
        bool exactTest = exact && !type.IsSealed && !type.IsValueType;
        if (implementation is null)
        {
            return new DispatchCaseSpec(name, exactTest, null, null);
        }

        IMethodSymbol definition = implementation.OriginalDefinition;
        // Methods declared here with [Monitor]/[TraceTime] come from the declarations step (editing their settings
        // does not touch call sites); others (MonitorAll, explicit implementations) are described here.
        if (definition.MethodKind == MethodKind.Ordinary && MonitorSettingsReader.IsMonitoredByAttribute(definition)
            && Interceptability.CanWrap(definition, compilation))
        {
            return new DispatchCaseSpec(name, exactTest, TargetMethodParser.KeyOf(definition), null);
        }

        MonitorSettings settings = MonitorSettingsReader.Read(definition)!;
        return new DispatchCaseSpec(name, exactTest, null, TargetMethodParser.Build(definition, compilation, settings, AccessorKind.None));
    }

    /// <summary>What the nearest base type of <paramref name="type"/> that is in the list runs (null: none, or untraced).</summary>
    private static IMethodSymbol? Inherited(INamedTypeSymbol type, Dictionary<INamedTypeSymbol, IMethodSymbol?> runs)
    {
        for (INamedTypeSymbol? current = type.BaseType; current is not null; current = current.BaseType)
        {
            if (runs.TryGetValue(current.OriginalDefinition, out IMethodSymbol? run))
            {
                return run;
            }
        }

        return null;
    }

    /// <summary>Whether generated code can write <c>is T</c> for the type.</summary>
    private static bool IsNameable(INamedTypeSymbol type, Compilation compilation)
    {
        if (type.IsRefLikeType || type.IsStatic || type.IsFileLocal || !compilation.IsSymbolAccessibleWithin(type, compilation.Assembly))
        {
            return false;
        }

        for (INamedTypeSymbol? current = type; current is not null; current = current.ContainingType)
        {
            if (current.IsGenericType)
            {
                return false;
            }
        }

        return true;
    }

    private static int Depth(INamedTypeSymbol type)
    {
        int depth = 0;
        for (INamedTypeSymbol? current = type.BaseType; current is not null; current = current.BaseType)
        {
            depth++;
        }

        return depth;
    }
}
