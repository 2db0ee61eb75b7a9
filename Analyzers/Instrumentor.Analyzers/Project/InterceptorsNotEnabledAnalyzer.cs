using System.Collections.Immutable;
using Instrumentor.Analyzers.Symbols;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Instrumentor.Analyzers.Project;

/// <summary>
/// INSTR003: the project uses monitored methods but its <c>InterceptorsNamespaces</c> property does not list
/// <c>Instrumentor.Generated</c>, so the compiler would reject (or the generator skip) every interceptor.
/// Reported once per compilation, without a location: the cause is in the project file, not in code.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class InterceptorsNotEnabledAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.InterceptorsNotEnabled);

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

            // Decided before any other work: a correctly configured project (the normal case) registers nothing more.
            var option = InterceptorsNamespacesOption.Read(start.Options.AnalyzerConfigOptionsProvider.GlobalOptions, start.Compilation);
            if (!option.IsVisible || option.EnablesInstrumentor)
            {
                return;
            }

            var usage = MonitoringUsage.Register(start, symbols);
            start.RegisterCompilationEndAction(end =>
            {
                if (usage.IsUsed)
                {
                    end.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.InterceptorsNotEnabled, Location.None));
                }
            });
        });
    }
}
