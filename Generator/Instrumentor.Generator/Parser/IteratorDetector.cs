using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Instrumentor.Generator.Parser;

/// <summary>
/// Whether a method is an iterator (its body runs during enumeration, not at the call): a source method with a
/// <c>yield</c> in its own body, or a compiled one marked with the compiler's state-machine attribute.
/// </summary>
internal static class IteratorDetector
{
    public static bool IsIterator(IMethodSymbol method)
    {
        foreach (SyntaxReference reference in method.DeclaringSyntaxReferences)
        {
            SyntaxNode body = reference.GetSyntax();
            bool hasYield = body.DescendantNodes(static n => n is not (AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax))
                .OfType<YieldStatementSyntax>()
                .Any();
            if (hasYield)
            {
                return true;
            }
        }

        return method.GetAttributes().Any(static a =>
            a.AttributeClass is { Name: "IteratorStateMachineAttribute" or "AsyncIteratorStateMachineAttribute" } type
            && type.ContainingNamespace?.ToDisplayString() == "System.Runtime.CompilerServices");
    }
}
