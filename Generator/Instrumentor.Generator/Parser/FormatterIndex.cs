using System.Collections.Generic;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;

namespace Instrumentor.Generator.Parser;

/// <summary>
/// The user's <c>IValueFormatter&lt;T&gt;</c> implementations declared in the compilation (non-abstract, with a
/// public parameterless constructor), by formatted type. Built once per compilation.
/// </summary>
internal sealed class FormatterIndex
{
    private static readonly ConditionalWeakTable<Compilation, FormatterIndex> s_cache = new();
    private static readonly SymbolDisplayFormat s_typeFormat = SymbolDisplayFormat.FullyQualifiedFormat;

    private readonly Dictionary<ITypeSymbol, string> _formatters = new(SymbolEqualityComparer.Default);

    public static FormatterIndex For(Compilation compilation) => s_cache.GetValue(compilation, Build);

    /// <summary>The fully qualified formatter type for <paramref name="type"/>, or <see langword="null"/>.</summary>
    public string? Find(ITypeSymbol type) =>
        _formatters.Count > 0 && _formatters.TryGetValue(type.WithNullableAnnotation(NullableAnnotation.NotAnnotated), out string? formatter) ? formatter : null;

    private static FormatterIndex Build(Compilation compilation)
    {
        var index = new FormatterIndex();
        if (compilation.GetTypeByMetadataName("Instrumentor.IValueFormatter`1") is not { } formatterInterface)
        {
            return index;
        }

        foreach (ISymbol symbol in compilation.GetSymbolsWithName(static _ => true, SymbolFilter.Type))
        {
            if (symbol is not INamedTypeSymbol { TypeKind: TypeKind.Class, IsAbstract: false, IsGenericType: false } type
                || !HasPublicParameterlessConstructor(type)
                || !compilation.IsSymbolAccessibleWithin(type, compilation.Assembly))
            {
                continue;
            }

            foreach (INamedTypeSymbol implemented in type.AllInterfaces)
            {
                if (SymbolEqualityComparer.Default.Equals(implemented.OriginalDefinition, formatterInterface))
                {
                    ITypeSymbol formatted = implemented.TypeArguments[0].WithNullableAnnotation(NullableAnnotation.NotAnnotated);
                    if (!index._formatters.ContainsKey(formatted))
                    {
                        index._formatters[formatted] = type.ToDisplayString(s_typeFormat);
                    }
                }
            }
        }

        return index;
    }

    private static bool HasPublicParameterlessConstructor(INamedTypeSymbol type)
    {
        foreach (IMethodSymbol constructor in type.InstanceConstructors)
        {
            if (constructor.Parameters.Length == 0 && constructor.DeclaredAccessibility == Accessibility.Public)
            {
                return true;
            }
        }

        return false;
    }
}
