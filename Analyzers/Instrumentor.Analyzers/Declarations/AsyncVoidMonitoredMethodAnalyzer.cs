using System.Collections.Immutable;
using Instrumentor.Analyzers.Symbols;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Instrumentor.Analyzers.Declarations;

/// <summary>
/// INSTR007: a monitored method that is <c>async void</c>. It returns to the wrapper at its first <c>await</c> and
/// raises its exception on the synchronization context, so the span's duration and status would be wrong.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class AsyncVoidMonitoredMethodAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.AsyncVoidMonitoredMethod);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(start =>
        {
            var symbols = InstrumentorSymbols.TryCreate(start.Compilation);
            if (symbols is null)
            {
                return;
            }

            var monitored = new MonitoredMethods(symbols);
            start.RegisterSymbolAction(symbol => Analyze(symbol, monitored), SymbolKind.Method);
        });
    }

    private static void Analyze(SymbolAnalysisContext context, MonitoredMethods monitored)
    {
        var method = (IMethodSymbol)context.Symbol;
        if (!method.IsAsync || !method.ReturnsVoid || !monitored.IsMonitored(method))
        {
            return;
        }

        // The identifier is where the code fix finds the declaration whose return type it rewrites.
        context.ReportDiagnostic(Diagnostic.Create(
            DiagnosticDescriptors.AsyncVoidMonitoredMethod,
            method.Locations[0],
            method.ToDisplayString(SymbolDisplayFormat.CSharpShortErrorMessageFormat)));
    }
}
