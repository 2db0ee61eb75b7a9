using System.Collections.Generic;
using System.Collections.Immutable;
using System.Threading;
using Instrumentor.Analyzers.Symbols;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Instrumentor.Analyzers.Declarations;

/// <summary>
/// INSTR005: an <c>Include</c> or <c>Exclude</c> of <c>[assembly: MonitorAll]</c> that is not a valid .NET regular
/// expression. Such a pattern matches nothing, so methods would silently go untraced.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class MonitorAllPatternAnalyzer : DiagnosticAnalyzer
{
    private static readonly string[] s_patternProperties = { "Include", "Exclude" };

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.InvalidMonitorAllPattern);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(start =>
        {
            var monitorAll = start.Compilation.GetTypeByMetadataName("Instrumentor.MonitorAllAttribute");
            if (monitorAll is null)
            {
                return;
            }

            // The assembly's attributes are bound once for the whole compilation; validating them here costs one
            // regex parse per pattern. The diagnostics are then reported from the tree that holds the attribute.
            var diagnostics = Validate(start.Compilation.Assembly, monitorAll, start.CancellationToken);
            if (diagnostics.Count == 0)
            {
                return;
            }

            start.RegisterSyntaxTreeAction(tree =>
            {
                foreach (var diagnostic in diagnostics)
                {
                    if (diagnostic.Location.SourceTree == tree.Tree)
                    {
                        tree.ReportDiagnostic(diagnostic);
                    }
                }
            });
        });
    }

    private static List<Diagnostic> Validate(IAssemblySymbol assembly, INamedTypeSymbol monitorAll, CancellationToken cancellationToken)
    {
        var diagnostics = new List<Diagnostic>();
        foreach (var attribute in assembly.GetAttributes())
        {
            if (!SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, monitorAll))
            {
                continue;
            }

            foreach (var property in s_patternProperties)
            {
                if (AttributeArguments.TryGetNamed(attribute, property, out var value)
                    && value.Value is string pattern
                    && !RegexPattern.TryCreate(pattern, out _, out var error))
                {
                    diagnostics.Add(Diagnostic.Create(
                        DiagnosticDescriptors.InvalidMonitorAllPattern,
                        AttributeArguments.LocationOfNamed(attribute, property, cancellationToken),
                        property,
                        pattern,
                        error));
                }
            }
        }

        return diagnostics;
    }
}
