using System.Threading;
using Instrumentor.Analyzers.Symbols;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Instrumentor.Analyzers.Project;

/// <summary>
/// Records whether a compilation uses Instrumentor: it declares <c>[Monitor]</c>, <c>[TraceTime]</c> or
/// <c>[assembly: MonitorAll]</c>, or it calls a monitored method (possibly declared in a referenced assembly).
/// Project-level diagnostics are only worth reporting for such compilations.
/// </summary>
internal sealed class MonitoringUsage
{
    private readonly MonitoredMethods _monitored;
    private int _isUsed;

    private MonitoringUsage(MonitoredMethods monitored) => _monitored = monitored;

    /// <summary>Whether a use has been seen; read it in a compilation end action, after every other action ran.</summary>
    public bool IsUsed => Volatile.Read(ref _isUsed) != 0;

    /// <summary>Registers the actions that detect a use in the compilation of <paramref name="start"/>.</summary>
    public static MonitoringUsage Register(CompilationStartAnalysisContext start, InstrumentorSymbols symbols)
    {
        var usage = new MonitoringUsage(new MonitoredMethods(symbols));
        if (InstrumentorSymbols.HasAttribute(start.Compilation.Assembly, symbols.MonitorAll))
        {
            usage.MarkUsed();
            return usage;
        }

        start.RegisterSymbolAction(usage.AnalyzeDeclaration, SymbolKind.NamedType, SymbolKind.Method);
        start.RegisterOperationAction(usage.AnalyzeInvocation, OperationKind.Invocation);
        return usage;
    }

    private void AnalyzeDeclaration(SymbolAnalysisContext context)
    {
        if (!IsUsed && _monitored.Symbols.FindMonitorAttribute(context.Symbol) is not null)
        {
            MarkUsed();
        }
    }

    private void AnalyzeInvocation(OperationAnalysisContext context)
    {
        // Once a use is known every further invocation costs one volatile read.
        if (!IsUsed && _monitored.IsMonitored(((IInvocationOperation)context.Operation).TargetMethod))
        {
            MarkUsed();
        }
    }

    private void MarkUsed() => Interlocked.Exchange(ref _isUsed, 1);
}
