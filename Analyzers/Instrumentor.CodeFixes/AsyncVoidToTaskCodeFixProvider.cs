using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Instrumentor.Analyzers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Instrumentor.CodeFixes;

/// <summary>INSTR007 fix: a monitored <c>async void</c> method returns <c>Task</c> instead, so its completion is observable.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AsyncVoidToTaskCodeFixProvider))]
[Shared]
public sealed class AsyncVoidToTaskCodeFixProvider : CodeFixProvider
{
    private const string Title = "Return Task instead of void";

    private static readonly FixAllProvider s_fixAll = new DocumentFixAllProvider(Title, ReturnTaskAsync);

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } =
        ImmutableArray.Create(DiagnosticIds.AsyncVoidMonitoredMethod);

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => s_fixAll;

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var declarations = await FixableDeclarationsAsync(context.Document, context.Diagnostics, context.CancellationToken).ConfigureAwait(false);
        if (declarations.Count == 0)
        {
            return;
        }

        foreach (var diagnostic in context.Diagnostics)
        {
            context.RegisterCodeFix(
                CodeAction.Create(
                    Title,
                    cancellationToken => ReturnTaskAsync(context.Document, ImmutableArray.Create(diagnostic), cancellationToken),
                    equivalenceKey: nameof(AsyncVoidToTaskCodeFixProvider)),
                diagnostic);
        }
    }

    private static async Task<Document> ReturnTaskAsync(Document document, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var declarations = await FixableDeclarationsAsync(document, diagnostics, cancellationToken).ConfigureAwait(false);
        if (root is null || declarations.Count == 0)
        {
            return document;
        }

        var updated = root.ReplaceNodes(
            declarations,
            (_, rewritten) => rewritten.WithReturnType(
                QualifiedNames.Simplifiable("System.Threading.Tasks.Task").WithTriviaFrom(rewritten.ReturnType)));
        return await QualifiedNames.ImportAndSimplifyAsync(document.WithSyntaxRoot(updated), cancellationToken).ConfigureAwait(false);
    }

    private static async Task<List<MethodDeclarationSyntax>> FixableDeclarationsAsync(
        Document document,
        IEnumerable<Diagnostic> diagnostics,
        CancellationToken cancellationToken)
    {
        var declarations = new List<MethodDeclarationSyntax>();
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        if (root is null || model is null)
        {
            return declarations;
        }

        foreach (var diagnostic in diagnostics)
        {
            var declaration = root.FindToken(diagnostic.Location.SourceSpan.Start).Parent?.FirstAncestorOrSelf<MethodDeclarationSyntax>();
            if (declaration is not null
                && model.GetDeclaredSymbol(declaration, cancellationToken) is { } method
                && CanChangeReturnType(method))
            {
                declarations.Add(declaration);
            }
        }

        return declarations;
    }

    /// <summary>
    /// An override or an interface implementation must keep the signature it implements: changing only this
    /// declaration would not compile, so no fix is offered there.
    /// </summary>
    private static bool CanChangeReturnType(IMethodSymbol method)
    {
        if (method.IsOverride || !method.ExplicitInterfaceImplementations.IsEmpty)
        {
            return false;
        }

        return !method.ContainingType.AllInterfaces
            .SelectMany(implemented => implemented.GetMembers(method.Name))
            .Any(member => SymbolEqualityComparer.Default.Equals(method.ContainingType.FindImplementationForInterfaceMember(member), method));
    }
}
