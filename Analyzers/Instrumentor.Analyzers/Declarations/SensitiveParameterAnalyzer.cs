using System.Collections.Immutable;
using Instrumentor.Analyzers.Symbols;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Instrumentor.Analyzers.Declarations;

/// <summary>
/// INSTR008: a parameter of a monitored method whose name looks sensitive, whose value would be stored, and that
/// does not say so with <c>[Sensitive]</c> (on the parameter or its type) or <c>[NotCaptured]</c>. The same for a
/// property of this compilation that an object summary of a monitored method's argument or result shows.
/// </summary>
/// <remarks>
/// The runtime already masks these names, so nothing leaks today; the rule makes the intent explicit because
/// name-based masking silently stops when the parameter is renamed.
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class SensitiveParameterAnalyzer : DiagnosticAnalyzer
{
    /// <summary>The diagnostic property that says what is reported ("Parameter" or "Property"), for the code fix.</summary>
    internal const string KindKey = "Kind";

    internal const string ParameterKind = "Parameter";

    internal const string PropertyKind = "Property";

    private static readonly ImmutableDictionary<string, string?> s_parameterProperties =
        ImmutableDictionary<string, string?>.Empty.Add(KindKey, ParameterKind);

    private static readonly ImmutableDictionary<string, string?> s_propertyProperties =
        ImmutableDictionary<string, string?>.Empty.Add(KindKey, PropertyKind);

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
            var summarized = new SummarizedProperties(start.Compilation, monitored);
            start.RegisterSymbolAction(symbol => Analyze(symbol, monitored), SymbolKind.Method);
            start.RegisterSymbolAction(symbol => AnalyzeProperty(symbol, summarized, monitored.Symbols), SymbolKind.Property);
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
                    s_parameterProperties,
                    ParameterKind,
                    parameter.Name,
                    method.ToDisplayString(SymbolDisplayFormat.CSharpShortErrorMessageFormat)));
            }
        }
    }

    /// <summary>
    /// A summarized property is masked by name exactly like a parameter, so the same rename risk applies. The name
    /// check comes first: only then is the compilation's index of summarized properties built.
    /// </summary>
    private static void AnalyzeProperty(SymbolAnalysisContext context, SummarizedProperties summarized, InstrumentorSymbols symbols)
    {
        var property = (IPropertySymbol)context.Symbol;
        if (!SensitiveNames.LooksSensitive(property.Name)
            || property.Locations.IsEmpty || !property.Locations[0].IsInSource
            || !ValueCapturedTypes.IsCapturedByValueInSummary(property.Type)
            || InstrumentorSymbols.HasAttribute(property, symbols.Sensitive)
            || InstrumentorSymbols.HasAttribute(property, symbols.NotCaptured)
            || summarized.IsSensitiveType(property.Type)
            || summarized.FindCapturingMethod(property) is not { } method)
        {
            return;
        }

        context.ReportDiagnostic(Diagnostic.Create(
            DiagnosticDescriptors.SensitiveParameterCaptured,
            property.Locations[0],
            s_propertyProperties,
            PropertyKind,
            property.ContainingType.Name + "." + property.Name,
            method.ToDisplayString(SymbolDisplayFormat.CSharpShortErrorMessageFormat)));
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
