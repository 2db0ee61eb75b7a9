using System.Collections.Concurrent;
using System.Collections.Immutable;
using Instrumentor.Analyzers.Symbols;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Instrumentor.Analyzers.Declarations;

/// <summary>
/// INSTR013 (info): <c>[Sensitive]</c> on a property of a type that no monitored method of the compilation takes or
/// returns, so the attribute masks nothing today (a typo'd type, a stale attribute, or a type captured elsewhere).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class UncapturedSensitivePropertyAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.SensitivePropertyNeverCaptured);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(start =>
        {
            var symbols = InstrumentorSymbols.TryCreate(start.Compilation);
            if (symbols?.Sensitive is null)
            {
                return;
            }

            var monitored = new MonitoredMethods(symbols);
            var captured = new ConcurrentDictionary<ITypeSymbol, byte>(SymbolEqualityComparer.Default);
            var marked = new ConcurrentBag<IPropertySymbol>();
            start.RegisterSymbolAction(
                symbol =>
                {
                    switch (symbol.Symbol)
                    {
                        case IPropertySymbol property when InstrumentorSymbols.HasAttribute(property, symbols.Sensitive) && !property.Locations.IsEmpty:
                            marked.Add(property);
                            break;
                        case IMethodSymbol method when monitored.IsMonitored(method):
                            foreach (IParameterSymbol parameter in method.Parameters)
                            {
                                Add(captured, parameter.Type);
                            }

                            Add(captured, method.ReturnType);
                            break;
                    }
                },
                SymbolKind.Property,
                SymbolKind.Method);
            start.RegisterCompilationEndAction(end =>
            {
                foreach (IPropertySymbol property in marked)
                {
                    if (!IsCaptured(property.ContainingType, captured))
                    {
                        end.ReportDiagnostic(Diagnostic.Create(
                            DiagnosticDescriptors.SensitivePropertyNeverCaptured,
                            property.Locations[0],
                            property.Name,
                            property.ContainingType.ToDisplayString(SymbolDisplayFormat.CSharpShortErrorMessageFormat)));
                    }
                }
            });
        });
    }

    /// <summary>Records a captured type and what it is made of (Task&lt;T&gt;'s T, element types, type arguments).</summary>
    private static void Add(ConcurrentDictionary<ITypeSymbol, byte> captured, ITypeSymbol type)
    {
        if (!captured.TryAdd(type.OriginalDefinition, 0))
        {
            return;
        }

        switch (type)
        {
            case IArrayTypeSymbol array:
                Add(captured, array.ElementType);
                break;
            case INamedTypeSymbol named:
                foreach (ITypeSymbol argument in named.TypeArguments)
                {
                    Add(captured, argument);
                }

                break;
        }
    }

    /// <summary>A derived type's summary reads its base's properties: a base of a captured type counts as captured.</summary>
    private static bool IsCaptured(INamedTypeSymbol type, ConcurrentDictionary<ITypeSymbol, byte> captured)
    {
        foreach (ITypeSymbol candidate in captured.Keys)
        {
            for (ITypeSymbol? current = candidate; current is not null; current = current.BaseType)
            {
                if (SymbolEqualityComparer.Default.Equals(current.OriginalDefinition, type.OriginalDefinition))
                {
                    return true;
                }
            }

            if (type.TypeKind == TypeKind.Interface && candidate.AllInterfaces.Contains(type.OriginalDefinition, SymbolEqualityComparer.Default))
            {
                return true;
            }
        }

        return false;
    }
}
