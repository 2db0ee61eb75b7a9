using Instrumentor.Generator.Specs;
using Instrumentor.Rules;
using Microsoft.CodeAnalysis;

namespace Instrumentor.Generator.Parser;

/// <summary>
/// Which monitored methods the generator can wrap, and how the wrapper reaches them. The analyzers report the
/// others (INSTR001/INSTR002), so a call is never silently left untraced; the rules both apply are in
/// Shared/Rules/InterceptionRules.cs.
/// </summary>
internal static class Interceptability
{
    /// <summary>Whether calls to <paramref name="method"/> (a definition, not a reduced form) can be intercepted.</summary>
    public static bool CanWrap(IMethodSymbol method, Compilation compilation) => TryGetAccessor(method, compilation, out _);

    /// <summary>
    /// Decides how the wrapper calls <paramref name="method"/>: directly when generated code can see it, through an
    /// <c>[UnsafeAccessor]</c> when only the method itself is hidden (private, protected) and no generics are involved.
    /// </summary>
    public static bool TryGetAccessor(IMethodSymbol method, Compilation compilation, out AccessorKind accessor)
    {
        accessor = AccessorKind.None;
        if (method.MethodKind != MethodKind.Ordinary || method.ContainingType is null || InterceptionRules.SignatureOf(method) != UnwrappableSignature.None)
        {
            return false;
        }

        foreach (IParameterSymbol parameter in method.Parameters)
        {
            if (!IsVisible(parameter.Type, compilation))
            {
                return false;
            }
        }

        if (!method.ReturnsVoid && !IsVisible(method.ReturnType, compilation))
        {
            return false;
        }

        // The wrapper lives in a generated file of this assembly, outside any type.
        if (compilation.IsSymbolAccessibleWithin(method, compilation.Assembly))
        {
            return true;
        }

        if (InterceptionRules.IsGenericAnywhere(method) || method.IsExtensionMethod || !IsVisible(method.ContainingType, compilation)
            || !SymbolEqualityComparer.Default.Equals(method.ContainingAssembly, compilation.Assembly))
        {
            return false;
        }

        accessor = !method.IsStatic ? AccessorKind.Method
            : method.ContainingType.IsStatic ? AccessorKind.StaticMethodOfStaticClass
            : AccessorKind.StaticMethod;
        return true;
    }

    private static bool IsVisible(ITypeSymbol type, Compilation compilation) => type switch
    {
        ITypeParameterSymbol => true,
        IArrayTypeSymbol array => IsVisible(array.ElementType, compilation),
        INamedTypeSymbol named => compilation.IsSymbolAccessibleWithin(named.OriginalDefinition, compilation.Assembly)
                                  && AllVisible(named, compilation),
        _ => compilation.IsSymbolAccessibleWithin(type, compilation.Assembly),
    };

    private static bool AllVisible(INamedTypeSymbol named, Compilation compilation)
    {
        foreach (ITypeSymbol argument in named.TypeArguments)
        {
            if (!IsVisible(argument, compilation))
            {
                return false;
            }
        }

        return true;
    }
}
