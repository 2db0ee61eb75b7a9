using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Simplification;

namespace Instrumentor.CodeFixes;

/// <summary>
/// Inserts a type as a fully qualified, annotated name, then lets Roslyn add the <c>using</c> and shorten it. This
/// keeps the fix correct when the short name is taken (the name then stays qualified) and puts the <c>using</c>
/// where the file's conventions want it.
/// </summary>
internal static class QualifiedNames
{
    /// <summary><c>global::</c><paramref name="fullName"/>, marked for import and simplification.</summary>
    public static NameSyntax Simplifiable(string fullName) =>
        SyntaxFactory.ParseName("global::" + fullName)
            .WithAdditionalAnnotations(Simplifier.Annotation, Simplifier.AddImportsAnnotation);

    /// <summary>Adds the <c>using</c> directives the annotated names need, then reduces those names.</summary>
    public static async Task<Document> ImportAndSimplifyAsync(Document document, CancellationToken cancellationToken)
    {
        var imported = await ImportAdder.AddImportsAsync(document, Simplifier.AddImportsAnnotation, cancellationToken: cancellationToken)
            .ConfigureAwait(false);
        return await Simplifier.ReduceAsync(imported, Simplifier.Annotation, cancellationToken: cancellationToken).ConfigureAwait(false);
    }
}
