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

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } =
        ImmutableArray.Create(DiagnosticIds.AsyncVoidMonitoredMethod);

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        var declaration = root?.FindToken(context.Span.Start).Parent?.FirstAncestorOrSelf<MethodDeclarationSyntax>();
        if (declaration is null || !await CanChangeReturnTypeAsync(context.Document, declaration, context.CancellationToken).ConfigureAwait(false))
        {
            return;
        }

        foreach (var diagnostic in context.Diagnostics)
        {
            context.RegisterCodeFix(
                CodeAction.Create(
                    Title,
                    cancellationToken => ReturnTaskAsync(context.Document, declaration, cancellationToken),
                    equivalenceKey: nameof(AsyncVoidToTaskCodeFixProvider)),
                diagnostic);
        }
    }

    /// <summary>
    /// An override or an interface implementation must keep the signature it implements: changing only this
    /// declaration would not compile, so no fix is offered there.
    /// </summary>
    private static async Task<bool> CanChangeReturnTypeAsync(Document document, MethodDeclarationSyntax declaration, CancellationToken cancellationToken)
    {
        var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        if (model?.GetDeclaredSymbol(declaration, cancellationToken) is not { } method)
        {
            return false;
        }

        if (method.IsOverride || !method.ExplicitInterfaceImplementations.IsEmpty)
        {
            return false;
        }

        return !method.ContainingType.AllInterfaces
            .SelectMany(implemented => implemented.GetMembers(method.Name))
            .Any(member => SymbolEqualityComparer.Default.Equals(method.ContainingType.FindImplementationForInterfaceMember(member), method));
    }

    private static async Task<Document> ReturnTaskAsync(Document document, MethodDeclarationSyntax declaration, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return document;
        }

        var task = QualifiedNames.Simplifiable("System.Threading.Tasks.Task").WithTriviaFrom(declaration.ReturnType);
        var updated = document.WithSyntaxRoot(root.ReplaceNode(declaration.ReturnType, task));
        return await QualifiedNames.ImportAndSimplifyAsync(updated, cancellationToken).ConfigureAwait(false);
    }
}
