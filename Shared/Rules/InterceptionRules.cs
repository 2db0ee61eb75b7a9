using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Instrumentor.Rules;

/// <summary>
/// The rules the generator and the analyzers both apply: which methods and which call sites no wrapper can stand in
/// for. One source file, compiled into both projects, so that what the generator leaves as written is exactly what
/// the analyzers report (INSTR001, INSTR002).
/// </summary>
internal static class InterceptionRules
{
    /// <summary>
    /// Why no wrapper can stand in for calls to <paramref name="method"/> (a definition), whatever its visibility, or
    /// <see cref="UnwrappableSignature.None"/>. Checked in this order; the first that applies is returned.
    /// </summary>
    public static UnwrappableSignature SignatureOf(IMethodSymbol method)
    {
        foreach (IParameterSymbol parameter in method.Parameters)
        {
            if (parameter.Type is IPointerTypeSymbol or IFunctionPointerTypeSymbol)
            {
                return UnwrappableSignature.PointerParameter;
            }

            // A dynamic passed by reference cannot be cast to object: the wrapper's call would be bound at run time.
            if (parameter.Type.TypeKind == TypeKind.Dynamic && parameter.RefKind != RefKind.None)
            {
                return UnwrappableSignature.DynamicByReference;
            }
        }

        if (!method.ReturnsVoid && method.ReturnType is IPointerTypeSymbol or IFunctionPointerTypeSymbol)
        {
            return UnwrappableSignature.PointerReturn;
        }

        if (method.IsVararg)
        {
            // `__arglist` cannot be declared by a wrapper nor forwarded.
            return UnwrappableSignature.Arglist;
        }

        if (method.IsStatic && (method.IsAbstract || method.IsVirtual) && method.ContainingType?.TypeKind == TypeKind.Interface)
        {
            // Called through a type parameter (`T.M()`): the interceptor would have to name the constrained type.
            return UnwrappableSignature.StaticAbstractInterfaceMember;
        }

        if (method.IsPartialDefinition && method.PartialImplementationPart is null)
        {
            // The compiler removes calls to a partial method without implementation: there is nothing to call.
            return UnwrappableSignature.PartialWithoutImplementation;
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
                        return UnwrappableSignature.TypeParameterNamedLikeContainingType;
                    }
                }
            }
        }

        return UnwrappableSignature.None;
    }

    /// <summary>
    /// Whether <paramref name="method"/> or one of its containing types is generic: then an <c>[UnsafeAccessor]</c>
    /// cannot reach it (it binds no open generic target), so a hidden one cannot be wrapped.
    /// </summary>
    public static bool IsGenericAnywhere(IMethodSymbol method)
    {
        if (method.IsGenericMethod)
        {
            return true;
        }

        for (INamedTypeSymbol? type = method.ContainingType; type is not null; type = type.ContainingType)
        {
            if (type.IsGenericType)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Whether <paramref name="called"/> (as bound at a call site) is a generic method instantiated with its own type
    /// parameters: a recursive call inside it, or a call from a lambda or local function in it. The compiler then
    /// compares the interceptor with the method's definition rather than an instantiation, and no generic
    /// interceptor matches it (CS9144), so such a call stays as written.
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
    /// Whether the call is <c>base.M()</c>: a non-virtual call, which a wrapper would turn into a virtual one (and
    /// recurse into the override), so it stays as written.
    /// </summary>
    public static bool IsBaseCall(InvocationExpressionSyntax invocation) =>
        invocation.Expression is MemberAccessExpressionSyntax { Expression: BaseExpressionSyntax };

    /// <summary>
    /// Whether the call is an instance call on a value of a type parameter that may be a struct: <c>item.M()</c> with
    /// <c>T item</c> (Markdig: <c>ref T text</c> with <c>T : ICharIterator</c>, <c>text.NextChar()</c>). C# makes it a
    /// constrained call on the variable itself; a wrapper's receiver is the interface or base type, so the struct would
    /// be boxed and the callee's mutations (the iterator's position) lost. Such calls stay as written. A type parameter
    /// known to be a reference type is not boxed, and an extension method receives the value as an argument either way.
    /// </summary>
    public static bool IsOnValueOfTypeParameter(SemanticModel model, InvocationExpressionSyntax invocation, IMethodSymbol called, System.Threading.CancellationToken cancellationToken)
    {
        if (called.IsStatic || called.ReducedFrom is not null)
        {
            return false;
        }

        ExpressionSyntax? receiver = invocation.Expression switch
        {
            MemberAccessExpressionSyntax access => access.Expression,
            MemberBindingExpressionSyntax => (invocation.Parent as ConditionalAccessExpressionSyntax)?.Expression
                                             ?? invocation.FirstAncestorOrSelf<ConditionalAccessExpressionSyntax>()?.Expression,
            _ => null,
        };
        return receiver is not null && model.GetTypeInfo(receiver, cancellationToken).Type is ITypeParameterSymbol { IsReferenceType: false };
    }
}

/// <summary>Why no wrapper can stand in for a method's calls (<see cref="InterceptionRules.SignatureOf"/>).</summary>
internal enum UnwrappableSignature
{
    /// <summary>A wrapper can stand in for it.</summary>
    None,
    /// <summary>A pointer or function pointer parameter.</summary>
    PointerParameter,
    /// <summary>A <c>dynamic</c> parameter passed by reference.</summary>
    DynamicByReference,
    /// <summary>A pointer or function pointer result.</summary>
    PointerReturn,
    /// <summary><c>__arglist</c>.</summary>
    Arglist,
    /// <summary>A static abstract or virtual interface member (called as <c>T.M()</c>).</summary>
    StaticAbstractInterfaceMember,
    /// <summary>A partial method without implementation (the compiler removes its calls).</summary>
    PartialWithoutImplementation,
    /// <summary>A method type parameter named like one of its containing types' (CS0692 in the wrapper).</summary>
    TypeParameterNamedLikeContainingType,
}
