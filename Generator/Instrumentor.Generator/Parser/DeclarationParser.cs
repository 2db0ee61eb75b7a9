using System.Collections.Immutable;
using System.Threading;
using Instrumentor.Generator.Specs;
using Microsoft.CodeAnalysis;

namespace Instrumentor.Generator.Parser;

/// <summary>
/// Turns a [Monitor] / [TraceTime] declaration found by <c>ForAttributeWithMetadataName</c> into the specs of
/// the methods it covers: the method itself, or every ordinary method of an annotated class or struct.
/// </summary>
internal static class DeclarationParser
{
    public static EquatableArray<TargetMethodSpec> Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        Compilation compilation = context.SemanticModel.Compilation;
        var specs = ImmutableArray.CreateBuilder<TargetMethodSpec>();
        switch (context.TargetSymbol)
        {
            case IMethodSymbol method:
                Add(specs, method, compilation);
                break;
            case INamedTypeSymbol type:
                foreach (ISymbol member in type.GetMembers())
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    if (member is IMethodSymbol { MethodKind: MethodKind.Ordinary } method)
                    {
                        Add(specs, method, compilation);
                    }
                }

                break;
        }

        return new EquatableArray<TargetMethodSpec>(specs.ToImmutable());
    }

    private static void Add(ImmutableArray<TargetMethodSpec>.Builder specs, IMethodSymbol method, Compilation compilation)
    {
        TargetMethodSpec? spec = TargetMethodParser.TryParse(method, compilation);
        if (spec is not null)
        {
            specs.Add(spec);
        }
    }
}
