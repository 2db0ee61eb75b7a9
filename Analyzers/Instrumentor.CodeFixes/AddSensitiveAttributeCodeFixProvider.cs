using System.Collections.Immutable;
using System.Composition;
using System.Threading;
using System.Threading.Tasks;
using Instrumentor.Analyzers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Instrumentor.CodeFixes;

/// <summary>INSTR008 fix: marks the parameter <c>[Sensitive]</c>, so it is stored as <c>"***"</c> whatever its name.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AddSensitiveAttributeCodeFixProvider))]
[Shared]
public sealed class AddSensitiveAttributeCodeFixProvider : CodeFixProvider
{
    private const string Title = "Mark the parameter [Sensitive]";

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } =
        ImmutableArray.Create(DiagnosticIds.SensitiveParameterCaptured);

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (var diagnostic in context.Diagnostics)
        {
            var parameter = root?.FindToken(diagnostic.Location.SourceSpan.Start).Parent?.FirstAncestorOrSelf<ParameterSyntax>();
            if (parameter is null)
            {
                continue;
            }

            context.RegisterCodeFix(
                CodeAction.Create(
                    Title,
                    cancellationToken => AddSensitiveAsync(context.Document, parameter, cancellationToken),
                    equivalenceKey: nameof(AddSensitiveAttributeCodeFixProvider)),
                diagnostic);
        }
    }

    private static async Task<Document> AddSensitiveAsync(Document document, ParameterSyntax parameter, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return document;
        }

        var attribute = SyntaxFactory.AttributeList(
            SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Attribute(QualifiedNames.Simplifiable("Instrumentor.Sensitive"))));

        // The attribute takes the parameter's leading trivia so that it starts where the parameter started.
        var marked = parameter
            .WithoutLeadingTrivia()
            .AddAttributeLists(attribute.WithTrailingTrivia(SyntaxFactory.Space))
            .WithLeadingTrivia(parameter.GetLeadingTrivia());
        var updated = document.WithSyntaxRoot(root.ReplaceNode(parameter, marked));
        return await QualifiedNames.ImportAndSimplifyAsync(updated, cancellationToken).ConfigureAwait(false);
    }
}
