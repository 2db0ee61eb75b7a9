using Microsoft.CodeAnalysis;

namespace Instrumentor.Analyzers.Symbols;

/// <summary>
/// The parameter types whose content the generated wrapper may store (DESIGN §3, step 5): primitives, enums, string,
/// decimal, date/time types and Guid (and their nullable forms) are stored by value; a class or struct that overrides
/// <c>ToString()</c> may opt in to being stored as its text. Collections, arrays, spans and other objects are stored
/// as a shape (<c>"[List&lt;int&gt; Count=3]"</c>, <c>"&lt;Portfolio&gt;"</c>), never as their content.
/// </summary>
internal static class ValueCapturedTypes
{
    /// <summary>Whether a value of <paramref name="type"/> can be stored as its content.</summary>
    public static bool IsCapturedByValue(ITypeSymbol type)
    {
        if (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable)
        {
            type = nullable.TypeArguments[0];
        }

        return type.TypeKind == TypeKind.Enum || IsScalar(type) || (!IsCollectionShaped(type) && OverridesToString(type));
    }

    /// <summary>
    /// Whether a property of <paramref name="type"/> is stored as its content inside an object summary: there only
    /// scalars and enums are (a nested object is recorded as its type name, a collection as its count).
    /// </summary>
    public static bool IsCapturedByValueInSummary(ITypeSymbol type)
    {
        if (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable)
        {
            type = nullable.TypeArguments[0];
        }

        return type.TypeKind == TypeKind.Enum || IsScalar(type);
    }

    private static bool IsScalar(ITypeSymbol type)
    {
        switch (type.SpecialType)
        {
            case SpecialType.System_Boolean:
            case SpecialType.System_Char:
            case SpecialType.System_SByte:
            case SpecialType.System_Byte:
            case SpecialType.System_Int16:
            case SpecialType.System_UInt16:
            case SpecialType.System_Int32:
            case SpecialType.System_UInt32:
            case SpecialType.System_Int64:
            case SpecialType.System_UInt64:
            case SpecialType.System_Decimal:
            case SpecialType.System_Single:
            case SpecialType.System_Double:
            case SpecialType.System_String:
            case SpecialType.System_IntPtr:
            case SpecialType.System_UIntPtr:
            case SpecialType.System_DateTime:
                return true;
        }

        return type is INamedTypeSymbol { ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } }
            && type.Name is "Guid" or "DateTimeOffset" or "TimeSpan" or "DateOnly" or "TimeOnly" or "Half" or "Int128" or "UInt128";
    }

    /// <summary>Arrays and enumerables are summarized by count or length whatever their element type.</summary>
    private static bool IsCollectionShaped(ITypeSymbol type)
    {
        if (type.TypeKind == TypeKind.Array)
        {
            return true;
        }

        foreach (var implemented in type.AllInterfaces)
        {
            if (implemented.SpecialType == SpecialType.System_Collections_IEnumerable)
            {
                return true;
            }
        }

        return false;
    }

    private static bool OverridesToString(ITypeSymbol type)
    {
        if (type.TypeKind is not (TypeKind.Class or TypeKind.Struct))
        {
            return false;
        }

        for (var current = type; current is not null && !IsRoot(current); current = current.BaseType)
        {
            foreach (var member in current.GetMembers("ToString"))
            {
                if (member is IMethodSymbol { IsOverride: true, Parameters.IsEmpty: true })
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static bool IsRoot(ITypeSymbol type) =>
        type.SpecialType is SpecialType.System_Object or SpecialType.System_ValueType;
}
