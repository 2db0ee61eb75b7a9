using System;
using System.Collections.Immutable;
using System.Threading;
using Instrumentor.Analyzers.Symbols;
using Instrumentor.Rules;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Instrumentor.Analyzers.Declarations;

/// <summary>
/// INSTR001: <c>[Monitor]</c> or <c>[TraceTime]</c> written directly on a member that is never called through an
/// invocation the generator can rewrite (constructor, accessor, operator, conversion, finalizer, local function, lambda).
/// </summary>
/// <remarks>
/// A type-level <c>[Monitor]</c> selects only ordinary methods, so it is never reported for the type's constructors.
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class UninterceptableTargetAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.UninterceptableTarget);

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

            start.RegisterSymbolAction(symbol => AnalyzeMethod(symbol, symbols), SymbolKind.Method);
            start.RegisterOperationAction(operation => AnalyzeLocalFunction(operation, symbols), OperationKind.LocalFunction);
            start.RegisterOperationAction(operation => AnalyzeLambda(operation, symbols), OperationKind.AnonymousFunction);
        });
    }

    private static void AnalyzeMethod(SymbolAnalysisContext context, InstrumentorSymbols symbols)
    {
        var method = (IMethodSymbol)context.Symbol;
        var kind = Describe(method.MethodKind) ?? DescribeUnsupportedSignature(method, context.Compilation);
        if (kind is not null)
        {
            ReportIfMonitored(context.ReportDiagnostic, method, kind, symbols, context.CancellationToken);
        }
    }

    private static void AnalyzeLocalFunction(OperationAnalysisContext context, InstrumentorSymbols symbols)
    {
        // Cheap syntactic filter first: almost no local function has attributes.
        if (context.Operation.Syntax is LocalFunctionStatementSyntax { AttributeLists.Count: > 0 })
        {
            var method = ((ILocalFunctionOperation)context.Operation).Symbol;
            ReportIfMonitored(context.ReportDiagnostic, method, "a local function", symbols, context.CancellationToken);
        }
    }

    private static void AnalyzeLambda(OperationAnalysisContext context, InstrumentorSymbols symbols)
    {
        if (context.Operation.Syntax is LambdaExpressionSyntax { AttributeLists.Count: > 0 })
        {
            var method = ((IAnonymousFunctionOperation)context.Operation).Symbol;
            ReportIfMonitored(context.ReportDiagnostic, method, "a lambda", symbols, context.CancellationToken);
        }
    }

    private static void ReportIfMonitored(
        Action<Diagnostic> report,
        IMethodSymbol method,
        string kind,
        InstrumentorSymbols symbols,
        CancellationToken cancellationToken)
    {
        var attribute = symbols.FindMonitorAttribute(method);
        if (attribute?.AttributeClass is null)
        {
            return;
        }

        report(Diagnostic.Create(
            DiagnosticDescriptors.UninterceptableTarget,
            AttributeArguments.LocationOf(attribute, cancellationToken),
            method.ToDisplayString(SymbolDisplayFormat.CSharpShortErrorMessageFormat),
            kind,
            ShortName(attribute.AttributeClass.Name)));
    }

    /// <summary>What to call a member kind in the message, or <see langword="null"/> for kinds whose calls are intercepted.</summary>
    private static string? Describe(MethodKind kind) => kind switch
    {
        MethodKind.Constructor => "a constructor",
        MethodKind.StaticConstructor => "a static constructor",
        MethodKind.PropertyGet or MethodKind.PropertySet => "a property accessor",
        MethodKind.EventAdd or MethodKind.EventRemove or MethodKind.EventRaise => "an event accessor",
        MethodKind.UserDefinedOperator => "an operator",
        MethodKind.Conversion => "a conversion operator",
        MethodKind.Destructor => "a finalizer",
        _ => null,
    };

    /// <summary>
    /// An ordinary method whose calls the generator cannot wrap (the rules both apply, in Shared/Rules/InterceptionRules.cs):
    /// pointers in the signature, <c>__arglist</c>, a static abstract or virtual interface member, a partial method
    /// without implementation, a method type parameter named like one of its type's, or a generic method that
    /// generated code cannot see (an <c>[UnsafeAccessor]</c> cannot bind an open generic target).
    /// </summary>
    private static string? DescribeUnsupportedSignature(IMethodSymbol method, Compilation compilation)
    {
        if (method.MethodKind != MethodKind.Ordinary)
        {
            return null;
        }

        switch (InterceptionRules.SignatureOf(method))
        {
            case UnwrappableSignature.PointerParameter: return "a method with a pointer parameter";
            case UnwrappableSignature.DynamicByReference: return "a method with a dynamic parameter passed by reference";
            case UnwrappableSignature.PointerReturn: return "a method returning a pointer";
            case UnwrappableSignature.Arglist: return "a method with __arglist";
            case UnwrappableSignature.StaticAbstractInterfaceMember: return "a static abstract or virtual interface member (called through a type parameter)";
            case UnwrappableSignature.PartialWithoutImplementation: return "a partial method without implementation (the compiler removes its calls)";
            case UnwrappableSignature.TypeParameterNamedLikeContainingType: return "a generic method whose type parameter has the name of one of its type's";
        }

        return InterceptionRules.IsGenericAnywhere(method) && !compilation.IsSymbolAccessibleWithin(method, compilation.Assembly)
            ? "a generic method that is not visible to generated code (private or protected)"
            : null;
    }

    private static string ShortName(string attributeClassName) =>
        attributeClassName.EndsWith("Attribute", StringComparison.Ordinal)
            ? attributeClassName.Substring(0, attributeClassName.Length - "Attribute".Length)
            : attributeClassName;
}
