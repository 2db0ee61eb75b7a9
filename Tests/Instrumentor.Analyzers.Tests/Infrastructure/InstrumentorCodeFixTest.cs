using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace Instrumentor.Analyzers.Tests.Infrastructure;

/// <summary>
/// A code-fix test: the analyzer finds the diagnostics in <c>source</c>, the fix (one at a time and fix-all in
/// document, project and solution scope) must turn it into <c>fixedSource</c>.
/// </summary>
internal sealed class InstrumentorCodeFixTest<TAnalyzer, TCodeFix> : CSharpCodeFixTest<TAnalyzer, TCodeFix, DefaultVerifier>
    where TAnalyzer : DiagnosticAnalyzer, new()
    where TCodeFix : CodeFixProvider, new()
{
    public InstrumentorCodeFixTest(string source, string fixedSource, params DiagnosticResult[] expected)
    {
        TestCode = source;
        TestState.Sources.Add((AttributeSource.FileName, AttributeSource.Text));
        FixedCode = fixedSource;
        FixedState.Sources.Add((AttributeSource.FileName, AttributeSource.Text));
        ReferenceAssemblies = TestReferences.NoPackage;
        TestState.AdditionalReferences.AddRange(TestReferences.Framework);
        ExpectedDiagnostics.AddRange(expected);

        // Fix-all must finish the document in one pass, not converge over several.
        NumberOfFixAllIterations = 1;
        NumberOfFixAllInDocumentIterations = 1;
    }
}
