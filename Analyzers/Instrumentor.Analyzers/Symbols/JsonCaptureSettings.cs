using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace Instrumentor.Analyzers.Symbols;

/// <summary>
/// Reads <c>Serializer = ValueSerializer.Json</c> and <c>JsonContext</c> from a <c>[Monitor]</c> or
/// <c>[MonitorAll]</c>, and which types a source-generated JsonSerializerContext declares.
/// </summary>
internal static class JsonCaptureSettings
{
    /// <summary>The value of <c>ValueSerializer.Json</c>.</summary>
    private const int Json = 2;

    /// <summary>Whether the attribute asks for JSON.</summary>
    public static bool UsesJson(AttributeData attribute) =>
        AttributeArguments.TryGetNamed(attribute, "Serializer", out var serializer) && serializer.Value is int value && value == Json;

    /// <summary>The type written in <c>JsonContext</c>, or <see langword="null"/>.</summary>
    public static ITypeSymbol? ContextType(AttributeData attribute) =>
        AttributeArguments.TryGetNamed(attribute, "JsonContext", out var context) && !context.IsNull ? context.Value as ITypeSymbol : null;

    /// <summary>Whether <paramref name="type"/> derives from System.Text.Json.Serialization.JsonSerializerContext.</summary>
    public static bool IsJsonContext(ITypeSymbol? type)
    {
        for (ITypeSymbol? current = type?.BaseType; current is not null; current = current.BaseType)
        {
            if (current is { Name: "JsonSerializerContext", ContainingNamespace: { Name: "Serialization", ContainingNamespace: { Name: "Json", ContainingNamespace: { Name: "Text", ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } } } } })
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The types the context can serialize: each <c>[JsonSerializable(typeof(T))]</c> and what the JSON source
    /// generator reaches from it (element types, type arguments, public property types).
    /// </summary>
    public static HashSet<ITypeSymbol> DeclaredTypes(ITypeSymbol context)
    {
        var declared = new HashSet<ITypeSymbol>(SymbolEqualityComparer.Default);
        foreach (AttributeData attribute in context.GetAttributes())
        {
            if (attribute.AttributeClass?.Name == "JsonSerializableAttribute"
                && attribute.ConstructorArguments.Length > 0
                && attribute.ConstructorArguments[0].Value is ITypeSymbol type)
            {
                Reach(type, declared);
            }
        }

        return declared;
    }

    private static void Reach(ITypeSymbol type, HashSet<ITypeSymbol> declared)
    {
        if (!declared.Add(type.WithNullableAnnotation(NullableAnnotation.None)))
        {
            return;
        }

        switch (type)
        {
            case IArrayTypeSymbol array:
                Reach(array.ElementType, declared);
                break;
            case INamedTypeSymbol named:
                foreach (ITypeSymbol argument in named.TypeArguments)
                {
                    Reach(argument, declared);
                }

                if (named.SpecialType == SpecialType.None && named.ContainingNamespace?.ToDisplayString().StartsWith("System", System.StringComparison.Ordinal) != true)
                {
                    foreach (ISymbol member in named.GetMembers())
                    {
                        if (member is IPropertySymbol { IsStatic: false, DeclaredAccessibility: Accessibility.Public, IsIndexer: false } property)
                        {
                            Reach(property.Type, declared);
                        }
                    }
                }

                break;
        }
    }
}
