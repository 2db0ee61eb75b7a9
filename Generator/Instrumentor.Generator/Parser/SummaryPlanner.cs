using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Instrumentor.Generator.Specs;
using Microsoft.CodeAnalysis;

namespace Instrumentor.Generator.Parser;

/// <summary>
/// Plans the shallow summary of a type (<c>ValueSerializer.Smart</c>): its public readable instance properties,
/// base type's first, at most <see cref="MaxShown"/> shown and the rest counted. Framework types (System.*,
/// Microsoft.*) are never summarized nor are their properties read: a getter there may block (Task.Result), run
/// work (Lazy.Value) or use reflection (Exception.TargetSite), which the AOT promise forbids.
/// </summary>
internal static class SummaryPlanner
{
    public const int MaxShown = 4;

    private static readonly SymbolDisplayFormat s_nameFormat = SymbolDisplayFormat.MinimallyQualifiedFormat
        .WithMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.UseSpecialTypes)
        .WithGenericsOptions(SymbolDisplayGenericsOptions.IncludeTypeParameters);

    /// <summary>The summary of <paramref name="type"/>, or <see langword="null"/> when it has none (then its type name is stored).</summary>
    public static SummarySpec? TryPlan(ITypeSymbol type, CaptureContext context)
    {
        if (type is not INamedTypeSymbol { TypeKind: TypeKind.Class or TypeKind.Struct } named
            || named.IsStatic || named.IsRefLikeType || named.IsAnonymousType || named.IsImplicitlyDeclared
            || named.SpecialType != SpecialType.None || IsFramework(named)
            // The helper is not generic: a type mentioning the wrapper's type parameters cannot be its parameter type.
            || CapturePlanner.ContainsTypeParameter(named)
            || ObsoleteReader.IsObsoleteType(named)
            || !context.Compilation.IsSymbolAccessibleWithin(named, context.Compilation.Assembly))
        {
            return null;
        }

        List<IPropertySymbol> properties = ReadableProperties(named, context.Compilation);
        if (properties.Count == 0)
        {
            return null;
        }

        var shown = ImmutableArray.CreateBuilder<SummaryPropertySpec>(System.Math.Min(MaxShown, properties.Count));
        foreach (IPropertySymbol property in properties.Take(MaxShown))
        {
            shown.Add(new SummaryPropertySpec(Escape(property.Name), property.Name, ForProperty(property, context)));
        }

        int more = properties.Count - shown.Count;
        return new SummarySpec(
            CapturePlanner.TypeName(named),
            named.ToDisplayString(s_nameFormat),
            named.IsValueType,
            new EquatableArray<SummaryPropertySpec>(shown.MoveToImmutable()),
            more);
    }

    /// <summary>Whether any readable property of <paramref name="type"/> would be masked in a summary (all of them, not only the 4 shown).</summary>
    public static bool HasMaskedProperty(ITypeSymbol type, CaptureContext context) =>
        type is INamedTypeSymbol named
        && ReadableProperties(named, context.Compilation).Any(p => ForMasking(p, context));

    private static bool ForMasking(IPropertySymbol property, CaptureContext context) =>
        AttributeLookup.Has(property, KnownNames.SensitiveAttributeName)
        || CapturePlanner.IsSensitiveType(property.Type)
        || context.IsSensitiveName(property.Name);

    private static CaptureSpec ForProperty(IPropertySymbol property, CaptureContext context)
    {
        if (ForMasking(property, context))
        {
            // Masked properties are never read: their getter does not run.
            return CaptureSpec.Masked;
        }

        return CapturePlanner.ForType(property.Type, context, topLevel: false);
    }

    /// <summary>The properties a summary may read, base type's first; a redeclared name keeps its first place.</summary>
    private static List<IPropertySymbol> ReadableProperties(INamedTypeSymbol type, Compilation compilation)
    {
        var chain = new List<INamedTypeSymbol>();
        for (INamedTypeSymbol? current = type; current is not null && !IsFramework(current); current = current.BaseType)
        {
            chain.Insert(0, current);
        }

        var byName = new Dictionary<string, int>(System.StringComparer.Ordinal);
        var result = new List<IPropertySymbol>();
        foreach (INamedTypeSymbol declaring in chain)
        {
            foreach (ISymbol member in declaring.GetMembers())
            {
                if (member is not IPropertySymbol property || !IsReadable(property, compilation))
                {
                    continue;
                }

                if (byName.TryGetValue(property.Name, out int at))
                {
                    // An override or a `new` property: `value.Name` reads the most derived one.
                    result[at] = property;
                    continue;
                }

                byName.Add(property.Name, result.Count);
                result.Add(property);
            }
        }

        // A most-derived property left out (for example [NotCaptured] on an override) removes the name.
        result.RemoveAll(p => AttributeLookup.Has(p, KnownNames.NotCapturedAttributeName));
        return result;
    }

    private static bool IsReadable(IPropertySymbol property, Compilation compilation) =>
        !property.IsStatic && !property.IsIndexer && !property.ReturnsByRef && !property.ReturnsByRefReadonly
        && property.DeclaredAccessibility == Accessibility.Public
        && property.GetMethod is { DeclaredAccessibility: Accessibility.Public } getter
        && property.ExplicitInterfaceImplementations.IsEmpty
        && !property.Type.IsRefLikeType
        && property.Type.TypeKind is not (TypeKind.Pointer or TypeKind.FunctionPointer or TypeKind.Error)
        && !ObsoleteReader.IsObsoleteMember(property) && !ObsoleteReader.IsObsoleteMember(getter)
        && !RequiresDynamicAccess(property) && !RequiresDynamicAccess(getter)
        && compilation.IsSymbolAccessibleWithin(getter, compilation.Assembly);

    /// <summary>[RequiresUnreferencedCode] / [RequiresDynamicCode]: reading it would warn in a trimmed or AOT build.</summary>
    private static bool RequiresDynamicAccess(ISymbol symbol) =>
        symbol.GetAttributes().Any(static a => a.AttributeClass?.Name is "RequiresUnreferencedCodeAttribute" or "RequiresDynamicCodeAttribute" or "RequiresAssemblyFilesAttribute");

    private static bool IsFramework(INamedTypeSymbol type)
    {
        INamespaceSymbol? root = type.ContainingNamespace;
        while (root is { ContainingNamespace.IsGlobalNamespace: false })
        {
            root = root.ContainingNamespace;
        }

        return root is { IsGlobalNamespace: false, Name: "System" or "Microsoft" };
    }

    private static string Escape(string name) =>
        Microsoft.CodeAnalysis.CSharp.SyntaxFacts.GetKeywordKind(name) != Microsoft.CodeAnalysis.CSharp.SyntaxKind.None ? "@" + name : name;
}
