using System;
using System.Collections.Immutable;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;

namespace Instrumentor.CodeFixes;

/// <summary>
/// Fixes all diagnostics of a document in one rewrite, then adds the needed <c>using</c> once.
/// </summary>
/// <remarks>
/// <see cref="WellKnownFixAllProviders.BatchFixer"/> merges the text changes of independent fixes and drops those
/// that overlap: every one of our fixes inserts the same <c>using</c>, so a batch would apply only the first fix per
/// document and need another pass for the rest.
/// </remarks>
internal sealed class DocumentFixAllProvider : DocumentBasedFixAllProvider
{
    private readonly string _title;
    private readonly Func<Document, ImmutableArray<Diagnostic>, CancellationToken, Task<Document>> _fix;

    public DocumentFixAllProvider(string title, Func<Document, ImmutableArray<Diagnostic>, CancellationToken, Task<Document>> fix)
    {
        _title = title;
        _fix = fix;
    }

    protected override string GetFixAllTitle(FixAllContext fixAllContext) => _title;

    protected override async Task<Document?> FixAllAsync(FixAllContext fixAllContext, Document document, ImmutableArray<Diagnostic> diagnostics) =>
        diagnostics.IsEmpty ? document : await _fix(document, diagnostics, fixAllContext.CancellationToken).ConfigureAwait(false);
}
