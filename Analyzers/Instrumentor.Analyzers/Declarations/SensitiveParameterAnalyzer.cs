using System.Collections.Immutable;
using Instrumentor.Analyzers.Symbols;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Instrumentor.Analyzers.Declarations;

/// <summary>
/// INSTR008: a parameter of a monitored method whose name looks sensitive, whose value would be stored, and that
/// does not say so with <c>[Sensitive]</c> (on the parameter or its type) or <c>[NotCaptured]</c>.
/// </summary>
/// <remarks>
/// The runtime already masks these names, so nothing leaks today; the rule makes the intent explicit because
/// name-based masking silently stops when the parameter is renamed.
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class SensitiveParameterAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.SensitiveParameterCaptured);

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
        if (method.Parameters.IsEmpty || !HasSensitiveLookingParameter(method) || !monitored.IsMonitored(method) || !CapturesArguments(method, monitored))
        {
            return;
        }

        var symbols = monitored.Symbols;
        foreach (var parameter in method.Parameters)
        {
            if (SensitiveNames.LooksSensitive(parameter.Name)
                && ValueCapturedTypes.IsCapturedByValue(parameter.Type)
                && !InstrumentorSymbols.HasAttribute(parameter, symbols.Sensitive)
                && !InstrumentorSymbols.HasAttribute(parameter, symbols.NotCaptured)
                && !IsSensitiveType(parameter.Type, symbols.Sensitive)
                && !parameter.Locations.IsEmpty)
            {
                context.ReportDiagnostic(Diagnostic.Create(
                    DiagnosticDescriptors.SensitiveParameterCaptured,
                    parameter.Locations[0],
                    parameter.Name,
                    method.ToDisplayString(SymbolDisplayFormat.CSharpShortErrorMessageFormat)));
            }
        }
    }

    /// <summary>Name check first: it is the cheapest test and rules out almost every method.</summary>
    private static bool HasSensitiveLookingParameter(IMethodSymbol method)
    {
        foreach (var parameter in method.Parameters)
        {
            if (SensitiveNames.LooksSensitive(parameter.Name))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary><c>[Monitor(CaptureArgs = false)]</c> records no argument, so no parameter can leak.</summary>
    private static bool CapturesArguments(IMethodSymbol method, MonitoredMethods monitored) =>
        monitored.GetConfiguringAttribute(method) is not { } attribute
        || !AttributeArguments.TryGetNamed(attribute, "CaptureArgs", out var captureArgs)
        || captureArgs.Value is not false;

    /// <summary><c>[Sensitive]</c> is inherited, so a base type carrying it marks the type too.</summary>
    private static bool IsSensitiveType(ITypeSymbol type, INamedTypeSymbol? sensitive)
    {
        if (sensitive is null)
        {
            return false;
        }

        if (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable)
        {
            type = nullable.TypeArguments[0];
        }

        for (var current = type; current is not null; current = current.BaseType)
        {
            if (InstrumentorSymbols.HasAttribute(current, sensitive))
            {
                return true;
            }
        }

        return false;
    }
}
