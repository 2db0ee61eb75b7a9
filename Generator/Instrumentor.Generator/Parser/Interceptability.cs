using Microsoft.CodeAnalysis;

namespace Instrumentor.Generator.Parser;

/// <summary>
/// Which monitored methods the generator can wrap today. The analyzers report the others (INSTR001/INSTR002),
/// so a call is never silently left untraced.
/// </summary>
internal static class Interceptability
{
    /// <summary>Whether calls to <paramref name="method"/> (a definition, not a reduced form) can be intercepted.</summary>
    public static bool CanWrap(IMethodSymbol method, Compilation compilation)
    {
        if (method.MethodKind != MethodKind.Ordinary || method.IsGenericMethod || method.ReturnsByRef || method.ReturnsByRefReadonly)
        {
            return false;
        }

        for (INamedTypeSymbol? type = method.ContainingType; type is not null; type = type.ContainingType)
        {
            if (type.IsGenericType)
            {
                return false;
            }
        }

        // An instance method of a struct needs its receiver by reference; not wrapped yet.
        if (!method.IsStatic && method.ContainingType!.IsValueType)
        {
            return false;
        }

        foreach (IParameterSymbol parameter in method.Parameters)
        {
            if (parameter.Type is IPointerTypeSymbol or IFunctionPointerTypeSymbol || parameter.IsParamsCollection)
            {
                return false;
            }
        }

        // The wrapper lives in a generated file of this assembly, outside any type: it must see the method.
        return compilation.IsSymbolAccessibleWithin(method, compilation.Assembly);
    }
}
