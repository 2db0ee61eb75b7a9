using Microsoft.CodeAnalysis;

namespace Instrumentor.Generator.Parser;

/// <summary>
/// Whether a wrapper would mention something <c>[Obsolete]</c>: the target, a containing type, or a type in its
/// signature. The user's call site is already allowed to (it is obsolete itself, or the warning is suppressed or
/// tolerated), but the wrapper is new code: its CS0612/CS0618 would fail a build that treats warnings as errors,
/// and an <c>[Obsolete(error: true)]</c> target would be CS0619. An obsolete wrapper may use obsolete members freely.
/// </summary>
internal static class ObsoleteReader
{
    private const string ObsoleteAttribute = "System.ObsoleteAttribute";

    public static bool Involved(IMethodSymbol method)
    {
        if (IsObsolete(method) || IsObsolete(method.OriginalDefinition) || Mentions(method.ReturnType))
        {
            return true;
        }

        for (INamedTypeSymbol? type = method.ContainingType; type is not null; type = type.ContainingType)
        {
            if (IsObsolete(type))
            {
                return true;
            }
        }

        foreach (IParameterSymbol parameter in method.Parameters)
        {
            if (Mentions(parameter.Type))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether naming <paramref name="type"/> would mention something obsolete (the type, an outer type, a type argument).</summary>
    public static bool IsObsoleteType(ITypeSymbol type) => Mentions(type);

    /// <summary>Whether a member read by generated code is obsolete, or its type is.</summary>
    public static bool IsObsoleteMember(ISymbol member) =>
        IsObsolete(member) || IsObsolete(member.OriginalDefinition) || (member is IPropertySymbol property && Mentions(property.Type));

    private static bool Mentions(ITypeSymbol type)
    {
        switch (type)
        {
            case IArrayTypeSymbol array:
                return Mentions(array.ElementType);
            case INamedTypeSymbol named:
                for (INamedTypeSymbol? current = named; current is not null; current = current.ContainingType)
                {
                    if (IsObsolete(current.OriginalDefinition))
                    {
                        return true;
                    }
                }

                foreach (ITypeSymbol argument in named.TypeArguments)
                {
                    if (Mentions(argument))
                    {
                        return true;
                    }
                }

                return false;
            default:
                return false;
        }
    }

    private static bool IsObsolete(ISymbol symbol)
    {
        foreach (AttributeData attribute in symbol.GetAttributes())
        {
            if (attribute.AttributeClass?.ToDisplayString() == ObsoleteAttribute)
            {
                return true;
            }
        }

        return false;
    }
}
