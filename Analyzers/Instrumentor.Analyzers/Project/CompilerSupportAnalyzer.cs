using System;
using System.Collections.Immutable;
using Instrumentor.Analyzers.Symbols;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Instrumentor.Analyzers.Project;

/// <summary>
/// INSTR009: the compiler running this build has no interceptors (Roslyn older than 4.11, or no
/// <c>GetInterceptableLocation</c>), so no call can be traced. Reported once per compilation that uses Instrumentor.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class CompilerSupportAnalyzer : DiagnosticAnalyzer
{
    private readonly Version _roslynVersion;
    private readonly bool _hasInterceptableLocationApi;

    /// <summary>Checks the compiler this analyzer is loaded in.</summary>
    public CompilerSupportAnalyzer()
        : this(CompilerSupport.RunningVersion, CompilerSupport.HasInterceptableLocationApi)
    {
    }

    /// <summary>The test seam: pretends to run in a compiler of <paramref name="roslynVersion"/>.</summary>
    internal CompilerSupportAnalyzer(Version roslynVersion, bool hasInterceptableLocationApi)
    {
        _roslynVersion = roslynVersion;
        _hasInterceptableLocationApi = hasInterceptableLocationApi;
    }

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.CompilerTooOld);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        if (CompilerSupport.SupportsInterceptors(_roslynVersion, _hasInterceptableLocationApi))
        {
            // The normal case: nothing to register, so the rule costs nothing.
            return;
        }

        context.RegisterCompilationStartAction(start =>
        {
            var symbols = InstrumentorSymbols.TryCreate(start.Compilation);
            if (symbols is null)
            {
                return;
            }

            var usage = MonitoringUsage.Register(start, symbols);
            start.RegisterCompilationEndAction(end =>
            {
                if (usage.IsUsed)
                {
                    end.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.CompilerTooOld, Location.None, _roslynVersion.ToString()));
                }
            });
        });
    }
}
