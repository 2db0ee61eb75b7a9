using System.Collections.Generic;
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

    private static readonly FixAllProvider s_fixAll = new DocumentFixAllProvider(Title, AddSensitiveAsync);

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } =
        ImmutableArray.Create(DiagnosticIds.SensitiveParameterCaptured);

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => s_fixAll;

    /// <inheritdoc />
    public override Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        foreach (var diagnostic in context.Diagnostics)
        {
            context.RegisterCodeFix(
                CodeAction.Create(
                    Title,
                    cancellationToken => AddSensitiveAsync(context.Document, ImmutableArray.Create(diagnostic), cancellationToken),
                    equivalenceKey: nameof(AddSensitiveAttributeCodeFixProvider)),
                diagnostic);
        }

        return Task.CompletedTask;
    }

    private static async Task<Document> AddSensitiveAsync(Document document, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return document;
        }

        var parameters = new List<ParameterSyntax>();
        foreach (var diagnostic in diagnostics)
        {
            if (root.FindToken(diagnostic.Location.SourceSpan.Start).Parent?.FirstAncestorOrSelf<ParameterSyntax>() is { } parameter)
            {
                parameters.Add(parameter);
            }
        }

        if (parameters.Count == 0)
        {
            return document;
        }

        var updated = root.ReplaceNodes(parameters, (_, rewritten) => MarkSensitive(rewritten));
        return await QualifiedNames.ImportAndSimplifyAsync(document.WithSyntaxRoot(updated), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The attribute goes after any existing ones; the parameter's leading trivia stays in front of all of them.</summary>
    private static ParameterSyntax MarkSensitive(ParameterSyntax parameter)
    {
        var attribute = SyntaxFactory.AttributeList(
            SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Attribute(QualifiedNames.Simplifiable("Instrumentor.Sensitive"))));
        return parameter
            .WithoutLeadingTrivia()
            .AddAttributeLists(attribute.WithTrailingTrivia(SyntaxFactory.Space))
            .WithLeadingTrivia(parameter.GetLeadingTrivia());
    }
}
