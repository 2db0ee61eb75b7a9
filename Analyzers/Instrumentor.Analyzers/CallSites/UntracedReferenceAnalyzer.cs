using System.Collections.Immutable;
using Instrumentor.Analyzers.Symbols;
using Instrumentor.Rules;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Instrumentor.Analyzers.CallSites;

/// <summary>
/// INSTR002: a monitored method used other than by a direct invocation: a method group (converted to a delegate,
/// passed as an argument, wrapped in <c>new Func&lt;...&gt;(...)</c>), a function pointer (<c>&amp;M</c>), or an
/// invocation inside a lambda converted to an expression tree. None of these is a call site the generator can
/// intercept, so calls made through them are not traced.
/// </summary>
/// <remarks>
/// <c>nameof(M)</c> binds no method reference and is never reported. Direct invocations, including those in ordinary
/// lambdas, local functions, top-level statements and <c>x?.M()</c>, are intercepted and not reported.
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class UntracedReferenceAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.UntracedReference);

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
            var lambdaExpression = start.Compilation.GetTypeByMetadataName("System.Linq.Expressions.LambdaExpression");

            // A method reference covers method-group conversions, delegate creations (their target is the
            // reference) and function pointers (&M wraps it), so each use is reported exactly once.
            start.RegisterOperationAction(operation => AnalyzeMethodReference(operation, monitored), OperationKind.MethodReference);
            start.RegisterOperationAction(operation => AnalyzeInvocation(operation, monitored, lambdaExpression), OperationKind.Invocation);
            start.RegisterOperationAction(operation => AnalyzeDynamicInvocation(operation, monitored), OperationKind.DynamicInvocation);
        });
    }

    private static void AnalyzeMethodReference(OperationAnalysisContext context, MonitoredMethods monitored)
    {
        var reference = (IMethodReferenceOperation)context.Operation;
        if (!monitored.IsMonitored(reference.Method) || IsInsideNameOf(reference))
        {
            return;
        }

        var use = reference.Parent switch
        {
            IAddressOfOperation => "function pointer",
            IDelegateCreationOperation { Syntax.RawKind: (int)SyntaxKind.ObjectCreationExpression } => "delegate creation",
            _ => "method group",
        };
        Report(context, reference.Method, use);
    }

    private static void AnalyzeInvocation(OperationAnalysisContext context, MonitoredMethods monitored, INamedTypeSymbol? lambdaExpression)
    {
        var invocation = (IInvocationOperation)context.Operation;
        if (!monitored.IsMonitored(invocation.TargetMethod))
        {
            return;
        }

        if (lambdaExpression is not null && IsInsideExpressionTree(invocation, lambdaExpression))
        {
            Report(context, invocation.TargetMethod, "expression tree");
        }
        else if (invocation.Syntax is InvocationExpressionSyntax syntax && InterceptionRules.IsBaseCall(syntax))
        {
            // A wrapper would turn this non-virtual call into a virtual one, so the generator leaves it alone.
            Report(context, invocation.TargetMethod, "base call");
        }
        else if (InterceptionRules.IsCallWithOwnTypeParameters(invocation.TargetMethod))
        {
            // The compiler matches an interceptor of this call against the generic definition itself, which no
            // generic wrapper can match (CS9144), so the generator leaves it alone.
            Report(context, invocation.TargetMethod, "call of a generic method with its own type parameters (recursion)");
        }
        else if (invocation.Syntax is InvocationExpressionSyntax call && invocation.SemanticModel is { } model
                 && InterceptionRules.IsOnValueOfTypeParameter(model, call, invocation.TargetMethod, context.CancellationToken))
        {
            // A wrapper would box the struct the type parameter may be, and lose the callee's mutations.
            Report(context, invocation.TargetMethod, "call on a value of a type parameter that may be a struct");
        }
    }

    /// <summary>
    /// A call with a <c>dynamic</c> argument or receiver is bound at run time: no invocation exists at compile time for
    /// an interceptor to replace. Reported when a candidate the compiler considered is monitored.
    /// </summary>
    private static void AnalyzeDynamicInvocation(OperationAnalysisContext context, MonitoredMethods monitored)
    {
        var invocation = (IDynamicInvocationOperation)context.Operation;
        if (invocation.Operation is not IDynamicMemberReferenceOperation and not IMethodReferenceOperation)
        {
            return;
        }

        var model = invocation.SemanticModel;
        if (model is null)
        {
            return;
        }

        // With a single candidate the compiler names it as the symbol, though the call is still bound at run time.
        var info = model.GetSymbolInfo(invocation.Syntax, context.CancellationToken);
        foreach (var candidate in info.Symbol is null ? info.CandidateSymbols : ImmutableArray.Create(info.Symbol))
        {
            if (candidate is IMethodSymbol method && monitored.IsMonitored(method))
            {
                Report(context, method, "dynamically bound call");
                return;
            }
        }
    }

    /// <summary>
    /// Whether some enclosing lambda is converted to <c>Expression&lt;T&gt;</c>: then the invocation is data, compiled
    /// or translated later without the interceptor. A lambda nested in such a lambda is part of the same tree.
    /// </summary>
    private static bool IsInsideExpressionTree(IOperation operation, INamedTypeSymbol lambdaExpression)
    {
        for (var current = operation.Parent; current is not null; current = current.Parent)
        {
            if (current is IAnonymousFunctionOperation
                && current.Parent is IConversionOperation { Type: { } target }
                && DerivesFrom(target, lambdaExpression))
            {
                return true;
            }
        }

        return false;
    }

    private static bool DerivesFrom(ITypeSymbol type, INamedTypeSymbol baseType)
    {
        for (var current = type; current is not null; current = current.BaseType)
        {
            if (SymbolEqualityComparer.Default.Equals(current, baseType))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsInsideNameOf(IOperation operation)
    {
        for (var current = operation.Parent; current is not null; current = current.Parent)
        {
            if (current is INameOfOperation)
            {
                return true;
            }
        }

        return false;
    }

    private static void Report(OperationAnalysisContext context, IMethodSymbol method, string use) =>
        context.ReportDiagnostic(Diagnostic.Create(
            DiagnosticDescriptors.UntracedReference,
            context.Operation.Syntax.GetLocation(),
            method.ToDisplayString(SymbolDisplayFormat.CSharpShortErrorMessageFormat),
            use));
}
