using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace Instrumentor.Analyzers.Tests.Infrastructure;

/// <summary>Short forms for the common analyzer assertions.</summary>
internal static class Verify<TAnalyzer>
    where TAnalyzer : DiagnosticAnalyzer, new()
{
    /// <summary>Runs <typeparamref name="TAnalyzer"/> on <paramref name="source"/> and checks exactly <paramref name="expected"/> (plus markup).</summary>
    public static Task AnalyzerAsync(string source, params DiagnosticResult[] expected) =>
        new InstrumentorAnalyzerTest<TAnalyzer>(source, expected).RunAsync();

    /// <summary>An expected diagnostic of <paramref name="descriptor"/> at markup location <c>{|#index:...|}</c>.</summary>
    public static DiagnosticResult Diagnostic(DiagnosticDescriptor descriptor, int markupIndex = 0) =>
        new DiagnosticResult(descriptor).WithLocation(markupIndex);
}
