using System.Collections.Generic;
using System.Linq;
using Instrumentor.Generator.Specs;
using Microsoft.CodeAnalysis;

namespace Instrumentor.Generator.Parser;

/// <summary>
/// The wrapper of a generic target is itself generic: the type parameters of the containing types come first,
/// then the method's, each with its constraints, so one wrapper serves every instantiation.
/// </summary>
internal static class GenericsReader
{
    private static readonly SymbolDisplayFormat s_typeFormat = SymbolDisplayFormat.FullyQualifiedFormat
        .AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

    public static GenericsSpec Read(IMethodSymbol method)
    {
        var parameters = new List<ITypeParameterSymbol>();
        var types = new Stack<INamedTypeSymbol>();
        for (INamedTypeSymbol? type = method.ContainingType; type is not null; type = type.ContainingType)
        {
            types.Push(type);
        }

        foreach (INamedTypeSymbol type in types)
        {
            parameters.AddRange(type.TypeParameters);
        }

        parameters.AddRange(method.TypeParameters);
        if (parameters.Count == 0)
        {
            return GenericsSpec.None;
        }

        string list = "<" + string.Join(", ", parameters.Select(p => p.Name)) + ">";
        string constraints = string.Concat(parameters.Select(Clause).Where(c => c.Length > 0));
        string own = method.TypeParameters.Length == 0 ? "" : "<" + string.Join(", ", method.TypeParameters.Select(p => p.Name)) + ">";
        return new GenericsSpec(list, constraints) { MethodTypeArguments = own };
    }

    private static string Clause(ITypeParameterSymbol parameter)
    {
        var parts = new List<string>();
        if (parameter.HasReferenceTypeConstraint)
        {
            parts.Add(parameter.ReferenceTypeConstraintNullableAnnotation == NullableAnnotation.Annotated ? "class?" : "class");
        }
        else if (parameter.HasUnmanagedTypeConstraint)
        {
            parts.Add("unmanaged");
        }
        else if (parameter.HasValueTypeConstraint)
        {
            parts.Add("struct");
        }
        else if (parameter.HasNotNullConstraint)
        {
            parts.Add("notnull");
        }

        parts.AddRange(parameter.ConstraintTypes.Select(t => t.ToDisplayString(s_typeFormat)));
        if (parameter.HasConstructorConstraint && !parameter.HasValueTypeConstraint)
        {
            parts.Add("new()");
        }

        if (parameter.AllowsRefLikeType)
        {
            parts.Add("allows ref struct");
        }

        return parts.Count == 0 ? "" : " where " + parameter.Name + " : " + string.Join(", ", parts);
    }
}
