using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Threading;
using Instrumentor.Analyzers.Symbols;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Instrumentor.Analyzers.Declarations;

/// <summary>
/// INSTR011: <c>Serializer = ValueSerializer.Json</c> without a JsonSerializerContext (on <c>[Monitor]</c> or
/// <c>[MonitorAll]</c>). INSTR012: an argument or result of a method captured as JSON whose type the context does not
/// declare (it would fail at run time and be stored as an error).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class JsonSerializerAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.JsonWithoutContext, DiagnosticDescriptors.JsonContextLacksType);

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
            start.RegisterSymbolAction(
                symbol =>
                {
                    AttributeData? own = symbols.FindMonitorAttribute(symbol.Symbol);
                    if (own is not null)
                    {
                        CheckContext(own, symbol.ReportDiagnostic, symbol.CancellationToken);
                    }

                    if (symbol.Symbol is IMethodSymbol method)
                    {
                        CheckCapturedTypes(method, monitored, symbol.ReportDiagnostic);
                    }
                },
                SymbolKind.NamedType,
                SymbolKind.Method);
            start.RegisterSyntaxNodeAction(
                node => CheckMonitorAll(node, symbols),
                SyntaxKind.Attribute);
        });
    }

    /// <summary>INSTR011 on an <c>[assembly: MonitorAll(Serializer = Json)]</c> without a context.</summary>
    private static void CheckMonitorAll(SyntaxNodeAnalysisContext node, InstrumentorSymbols symbols)
    {
        if (symbols.MonitorAll is null || node.Node.Parent is not AttributeListSyntax { Target.Identifier.ValueText: "assembly" })
        {
            return;
        }

        foreach (AttributeData attribute in node.SemanticModel.Compilation.Assembly.GetAttributes())
        {
            if (SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, symbols.MonitorAll)
                && attribute.ApplicationSyntaxReference?.GetSyntax(node.CancellationToken) == node.Node)
            {
                CheckContext(attribute, node.ReportDiagnostic, node.CancellationToken);
            }
        }
    }

    private static void CheckContext(AttributeData attribute, Action<Diagnostic> report, CancellationToken cancellationToken)
    {
        if (!JsonCaptureSettings.UsesJson(attribute))
        {
            return;
        }

        ITypeSymbol? context = JsonCaptureSettings.ContextType(attribute);
        if (JsonCaptureSettings.IsJsonContext(context))
        {
            return;
        }

        string detail = context is null ? "" : $" ('{context.ToDisplayString()}' is not one)";
        report(Diagnostic.Create(
            DiagnosticDescriptors.JsonWithoutContext,
            AttributeArguments.LocationOfNamed(attribute, context is null ? "Serializer" : "JsonContext", cancellationToken),
            detail));
    }

    /// <summary>INSTR012 on each captured parameter, and the result, whose type the context lacks.</summary>
    private static void CheckCapturedTypes(IMethodSymbol method, MonitoredMethods monitored, Action<Diagnostic> report)
    {
        if (method.MethodKind != MethodKind.Ordinary || !monitored.IsMonitored(method))
        {
            return;
        }

        AttributeData? settings = monitored.GetConfiguringAttribute(method) ?? MonitorAllOf(method, monitored.Symbols);
        if (settings is null || !JsonCaptureSettings.UsesJson(settings)
            || JsonCaptureSettings.ContextType(settings) is not { } context || !JsonCaptureSettings.IsJsonContext(context))
        {
            return;
        }

        HashSet<ITypeSymbol> declared = JsonCaptureSettings.DeclaredTypes(context);
        if (!IsFalse(settings, "CaptureArgs"))
        {
            foreach (IParameterSymbol parameter in method.Parameters)
            {
                if (parameter.RefKind != RefKind.Out
                    && !InstrumentorSymbols.HasAttribute(parameter, monitored.Symbols.NotCaptured)
                    && !InstrumentorSymbols.HasAttribute(parameter, monitored.Symbols.Sensitive)
                    && !SensitiveNames.LooksSensitive(parameter.Name) && !InExtraSensitiveNames(settings, parameter.Name)
                    && IsSerializedAsJson(parameter.Type, monitored.Symbols)
                    && !declared.Contains(parameter.Type.WithNullableAnnotation(NullableAnnotation.None)))
                {
                    report(Diagnostic.Create(DiagnosticDescriptors.JsonContextLacksType, parameter.Locations[0],
                        $"Parameter '{parameter.Name}'", method.Name, context.Name, parameter.Type.WithNullableAnnotation(NullableAnnotation.None).ToDisplayString()));
                }
            }
        }

        if (!IsFalse(settings, "CaptureResult") && ResultType(method) is { } result
            && !HasReturnSensitive(method, monitored.Symbols)
            && IsSerializedAsJson(result, monitored.Symbols)
            && !declared.Contains(result.WithNullableAnnotation(NullableAnnotation.None)))
        {
            report(Diagnostic.Create(DiagnosticDescriptors.JsonContextLacksType, method.Locations[0],
                "The result", method.Name, context.Name, result.WithNullableAnnotation(NullableAnnotation.None).ToDisplayString()));
        }
    }

    private static AttributeData? MonitorAllOf(IMethodSymbol method, InstrumentorSymbols symbols)
    {
        foreach (AttributeData attribute in method.ContainingAssembly.GetAttributes())
        {
            if (SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, symbols.MonitorAll))
            {
                return attribute;
            }
        }

        return null;
    }

    /// <summary>Whether the attribute's own <c>SensitiveNames</c> mask <paramref name="name"/> (matched as the generator does).</summary>
    private static bool InExtraSensitiveNames(AttributeData attribute, string name)
    {
        if (!AttributeArguments.TryGetNamed(attribute, "SensitiveNames", out var names) || names.Kind != TypedConstantKind.Array || names.IsNull)
        {
            return false;
        }

        string normalized = name.Replace("_", "").Replace("-", "").ToLowerInvariant();
        foreach (TypedConstant fragment in names.Values)
        {
            if (fragment.Value is string { Length: > 0 } text && normalized.Contains(text.Replace("_", "").Replace("-", "").ToLowerInvariant()))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsFalse(AttributeData attribute, string name) =>
        AttributeArguments.TryGetNamed(attribute, name, out var value) && value.Value is false;

    private static bool HasReturnSensitive(IMethodSymbol method, InstrumentorSymbols symbols)
    {
        foreach (AttributeData attribute in method.GetReturnTypeAttributes())
        {
            if (SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, symbols.Sensitive))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The captured result type: T of Task&lt;T&gt;/ValueTask&lt;T&gt;, the return type, or none.</summary>
    private static ITypeSymbol? ResultType(IMethodSymbol method)
    {
        if (method.ReturnsVoid || method.ReturnsByRef || method.ReturnsByRefReadonly)
        {
            return null;
        }

        if (method.ReturnType is INamedTypeSymbol named && named.ContainingNamespace?.ToDisplayString() == "System.Threading.Tasks")
        {
            return named.MetadataName is "Task`1" or "ValueTask`1" ? named.TypeArguments[0] : null;
        }

        return method.ReturnType;
    }

    /// <summary>
    /// Whether the generator serializes a value of <paramref name="type"/> as JSON: everything that is not stored by
    /// value (numbers, strings, enums, dates, Guid, their nullable forms), an array or span, a type parameter, or masked.
    /// </summary>
    private static bool IsSerializedAsJson(ITypeSymbol type, InstrumentorSymbols symbols)
    {
        if (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T }
            || type.TypeKind is TypeKind.Enum or TypeKind.Array or TypeKind.TypeParameter or TypeKind.Dynamic or TypeKind.Pointer or TypeKind.FunctionPointer or TypeKind.Error
            || type.IsRefLikeType || type.SpecialType != SpecialType.None
            || InstrumentorSymbols.HasAttribute(type, symbols.Sensitive))
        {
            return false;
        }

        if (type is INamedTypeSymbol named && ContainsTypeParameter(named))
        {
            return false;
        }

        return !(type.ContainingNamespace is { Name: "System", ContainingNamespace.IsGlobalNamespace: true }
                 && type.MetadataName is "DateTimeOffset" or "TimeSpan" or "Guid")
               && !(type is { Name: "CancellationToken", ContainingNamespace.Name: "Threading" });
    }

    private static bool ContainsTypeParameter(INamedTypeSymbol type)
    {
        foreach (ITypeSymbol argument in type.TypeArguments)
        {
            if (argument is ITypeParameterSymbol || (argument is INamedTypeSymbol inner && ContainsTypeParameter(inner)))
            {
                return true;
            }
        }

        return false;
    }
}
