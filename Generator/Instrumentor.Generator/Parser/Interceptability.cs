using Instrumentor.Generator.Specs;
using Microsoft.CodeAnalysis;

namespace Instrumentor.Generator.Parser;

/// <summary>
/// Which monitored methods the generator can wrap, and how the wrapper reaches them. The analyzers report the
/// others (INSTR001/INSTR002), so a call is never silently left untraced.
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
        if (method.MethodKind != MethodKind.Ordinary || method.ContainingType is null || UnwrappableShape(method) is not null)
        {
            return false;
        }

        foreach (IParameterSymbol parameter in method.Parameters)
        {
            // A dynamic passed by reference cannot be cast to object: the wrapper's call would be bound at run time.
            if (parameter.Type is IPointerTypeSymbol or IFunctionPointerTypeSymbol || !IsVisible(parameter.Type, compilation)
                || (parameter.Type.TypeKind == TypeKind.Dynamic && parameter.RefKind != RefKind.None))
            {
                return false;
            }
        }

        if (!method.ReturnsVoid && (method.ReturnType is IPointerTypeSymbol or IFunctionPointerTypeSymbol || !IsVisible(method.ReturnType, compilation)))
        {
            return false;
        }

        // The wrapper lives in a generated file of this assembly, outside any type.
        if (compilation.IsSymbolAccessibleWithin(method, compilation.Assembly))
        {
            return true;
        }

        bool generic = method.IsGenericMethod;
        for (INamedTypeSymbol? type = method.ContainingType; type is not null; type = type.ContainingType)
        {
            generic |= type.IsGenericType;
        }

        if (generic || method.IsExtensionMethod || !IsVisible(method.ContainingType, compilation)
            || !SymbolEqualityComparer.Default.Equals(method.ContainingAssembly, compilation.Assembly))
        {
            return false;
        }

        accessor = !method.IsStatic ? AccessorKind.Method
            : method.ContainingType.IsStatic ? AccessorKind.StaticMethodOfStaticClass
            : AccessorKind.StaticMethod;
        return true;
    }

    /// <summary>
    /// Whether <paramref name="called"/> (as bound at a call site) is a generic method instantiated with its own type
    /// parameters: a recursive call inside it, or a call from a lambda or local function in it. The compiler then
    /// compares the interceptor with the method's definition rather than an instantiation, and no generic
    /// interceptor matches it (CS9144), so such a call stays as written (INSTR002 reports it).
    /// </summary>
    public static bool IsCallWithOwnTypeParameters(IMethodSymbol called)
    {
        IMethodSymbol unreduced = called.ReducedFrom is null ? called : called.GetConstructedReducedFrom() ?? called;
        if (!unreduced.IsGenericMethod)
        {
            return false;
        }

        for (int i = 0; i < unreduced.TypeArguments.Length; i++)
        {
            if (!SymbolEqualityComparer.Default.Equals(unreduced.TypeArguments[i], unreduced.TypeParameters[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Why no wrapper can stand in for calls to <paramref name="method"/> whatever its visibility, or
    /// <see langword="null"/>. The analyzers report the same shapes (INSTR001).
    /// </summary>
    public static string? UnwrappableShape(IMethodSymbol method)
    {
        if (method.IsVararg)
        {
            // `__arglist` cannot be declared by a wrapper nor forwarded.
            return "__arglist";
        }

        if (method.IsStatic && (method.IsAbstract || method.IsVirtual) && method.ContainingType?.TypeKind == TypeKind.Interface)
        {
            // Called through a type parameter (`T.M()`): the interceptor would have to name the constrained type.
            return "static abstract interface member";
        }

        if (method.IsPartialDefinition && method.PartialImplementationPart is null)
        {
            // The compiler removes calls to a partial method without implementation: there is nothing to call.
            return "partial method without implementation";
        }

        for (INamedTypeSymbol? type = method.ContainingType; type is not null; type = type.ContainingType)
        {
            foreach (ITypeParameterSymbol outer in type.TypeParameters)
            {
                foreach (ITypeParameterSymbol own in method.TypeParameters)
                {
                    if (own.Name == outer.Name)
                    {
                        // The wrapper lists both in one type parameter list (CS0692): the names must differ.
                        return "type parameter named like one of its containing type";
                    }
                }
            }
        }

        return null;
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
