using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Threading;
using System.Threading.Tasks;
using Instrumentor.Analyzers;
using Instrumentor.Analyzers.Declarations;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Instrumentor.CodeFixes;

/// <summary>
/// INSTR008 fix: marks the parameter or property <c>[Sensitive]</c>, so it is stored as <c>"***"</c> whatever its name.
/// A property declared by a record's positional parameter gets <c>[property: Sensitive]</c>.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AddSensitiveAttributeCodeFixProvider))]
[Shared]
public sealed class AddSensitiveAttributeCodeFixProvider : CodeFixProvider
{
    private const string Title = "Mark the parameter [Sensitive]";

    private const string PropertyTitle = "Mark the property [Sensitive]";

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
                    IsProperty(diagnostic) ? PropertyTitle : Title,
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

        // The kind of each node, so that a record's positional parameter reported as a property gets `property:`.
        var targets = new Dictionary<SyntaxNode, bool>();
        foreach (var diagnostic in diagnostics)
        {
            var token = root.FindToken(diagnostic.Location.SourceSpan.Start).Parent;
            var isProperty = IsProperty(diagnostic);
            SyntaxNode? node = token?.FirstAncestorOrSelf<ParameterSyntax>();
            if (node is null && isProperty)
            {
                node = token?.FirstAncestorOrSelf<PropertyDeclarationSyntax>();
            }

            if (node is not null)
            {
                targets[node] = isProperty;
            }
        }

        if (targets.Count == 0)
        {
            return document;
        }

        var updated = root.ReplaceNodes(targets.Keys, (original, rewritten) => rewritten switch
        {
            ParameterSyntax parameter => MarkSensitive(parameter, targets[original]),
            PropertyDeclarationSyntax property => MarkSensitive(property),
            _ => rewritten,
        });
        return await QualifiedNames.ImportAndSimplifyAsync(document.WithSyntaxRoot(updated), cancellationToken).ConfigureAwait(false);
    }

    private static bool IsProperty(Diagnostic diagnostic) =>
        diagnostic.Properties.TryGetValue(SensitiveParameterAnalyzer.KindKey, out var kind) && kind == SensitiveParameterAnalyzer.PropertyKind;

    private static AttributeListSyntax SensitiveAttribute(bool propertyTarget)
    {
        var attribute = SyntaxFactory.AttributeList(
            SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Attribute(QualifiedNames.Simplifiable("Instrumentor.Sensitive"))));
        return propertyTarget
            ? attribute.WithTarget(SyntaxFactory.AttributeTargetSpecifier(SyntaxFactory.Token(SyntaxKind.PropertyKeyword)))
            : attribute;
    }

    /// <summary>After any existing attribute; the property's leading trivia (doc comment, indentation) stays in front, and formatting puts the attribute on its own line.</summary>
    private static PropertyDeclarationSyntax MarkSensitive(PropertyDeclarationSyntax property) =>
        property
            .WithoutLeadingTrivia()
            .AddAttributeLists(SensitiveAttribute(propertyTarget: false).WithTrailingTrivia(SyntaxFactory.Space))
            .WithLeadingTrivia(property.GetLeadingTrivia());

    /// <summary>The attribute goes after any existing ones; the parameter's leading trivia stays in front of all of them.</summary>
    private static ParameterSyntax MarkSensitive(ParameterSyntax parameter, bool propertyTarget)
    {
        var attribute = SensitiveAttribute(propertyTarget);
        return parameter
            .WithoutLeadingTrivia()
            .AddAttributeLists(attribute.WithTrailingTrivia(SyntaxFactory.Space))
            .WithLeadingTrivia(parameter.GetLeadingTrivia());
    }
}
