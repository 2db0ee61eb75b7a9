using System;
using System.Collections.Immutable;
using System.Globalization;
using System.Threading;
using Instrumentor.Analyzers.Symbols;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Instrumentor.Analyzers.Declarations;

/// <summary>
/// INSTR004 (<c>SampleRate</c> outside [0, 1] or NaN) and INSTR006 (<c>MaxLength</c> &lt; 1) on every <c>[Monitor]</c>:
/// on types, methods of any kind, local functions and lambdas, since the value is wrong wherever it is written.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class MonitorArgumentsAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.SampleRateOutOfRange, DiagnosticDescriptors.MaxLengthTooSmall);

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

            start.RegisterSymbolAction(
                symbol => Analyze(symbol.Symbol, symbols.Monitor, symbol.ReportDiagnostic, symbol.CancellationToken),
                SymbolKind.NamedType,
                SymbolKind.Method);
            start.RegisterOperationAction(
                operation =>
                {
                    if (operation.Operation.Syntax is LocalFunctionStatementSyntax { AttributeLists.Count: > 0 })
                    {
                        var method = ((ILocalFunctionOperation)operation.Operation).Symbol;
                        Analyze(method, symbols.Monitor, operation.ReportDiagnostic, operation.CancellationToken);
                    }
                },
                OperationKind.LocalFunction);
            start.RegisterOperationAction(
                operation =>
                {
                    if (operation.Operation.Syntax is LambdaExpressionSyntax { AttributeLists.Count: > 0 })
                    {
                        var method = ((IAnonymousFunctionOperation)operation.Operation).Symbol;
                        Analyze(method, symbols.Monitor, operation.ReportDiagnostic, operation.CancellationToken);
                    }
                },
                OperationKind.AnonymousFunction);
        });
    }

    private static void Analyze(ISymbol symbol, INamedTypeSymbol monitor, Action<Diagnostic> report, CancellationToken cancellationToken)
    {
        foreach (var attribute in symbol.GetAttributes())
        {
            if (SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, monitor))
            {
                Check(attribute, report, cancellationToken);
            }
        }
    }

    private static void Check(AttributeData attribute, Action<Diagnostic> report, CancellationToken cancellationToken)
    {
        if (AttributeArguments.TryGetNamed(attribute, "SampleRate", out var sampleRate)
            && sampleRate.Value is double rate
            && !(rate >= 0 && rate <= 1))
        {
            // Written as !(in range) so that NaN, which compares false with everything, is reported too.
            report(Diagnostic.Create(
                DiagnosticDescriptors.SampleRateOutOfRange,
                AttributeArguments.LocationOfNamed(attribute, "SampleRate", cancellationToken),
                rate.ToString("R", CultureInfo.InvariantCulture)));
        }

        if (AttributeArguments.TryGetNamed(attribute, "MaxLength", out var maxLength)
            && maxLength.Value is int length
            && length < 1)
        {
            report(Diagnostic.Create(
                DiagnosticDescriptors.MaxLengthTooSmall,
                AttributeArguments.LocationOfNamed(attribute, "MaxLength", cancellationToken),
                length.ToString(CultureInfo.InvariantCulture)));
        }
    }
}
