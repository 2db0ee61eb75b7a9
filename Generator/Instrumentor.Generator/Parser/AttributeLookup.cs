using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace Instrumentor.Generator.Parser;

/// <summary>Finds Instrumentor's attributes by name and namespace, without building display strings.</summary>
internal static class AttributeLookup
{
    public static AttributeData? Find(ImmutableArray<AttributeData> attributes, string name)
    {
        foreach (AttributeData attribute in attributes)
        {
            if (IsInstrumentorType(attribute.AttributeClass, name))
            {
                return attribute;
            }
        }

        return null;
    }

    public static bool Has(ISymbol symbol, string name) => Find(symbol.GetAttributes(), name) is not null;

    public static bool IsInstrumentorType(INamedTypeSymbol? type, string name) =>
        type is not null
        && type.Name == name
        && type.ContainingNamespace is { Name: KnownNames.Namespace, ContainingNamespace.IsGlobalNamespace: true };
}
