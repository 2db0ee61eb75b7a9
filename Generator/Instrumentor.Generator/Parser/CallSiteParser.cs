using System;
using System.IO;
using System.Threading;
using Instrumentor.Generator.Specs;
using Instrumentor.Rules;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Instrumentor.Generator.Parser;

/// <summary>Finds the invocations of monitored methods and where the compiler lets us intercept them.</summary>
internal static class CallSiteParser
{
    /// <summary>Cheap syntactic filter: only invocations can be intercepted.</summary>
    public static bool IsCandidate(SyntaxNode node, CancellationToken cancellationToken) =>
        node is InvocationExpressionSyntax;

    /// <summary>The call site, or <see langword="null"/> when the invocation is not of a wrappable monitored method.</summary>
    public static CallSiteSpec? Parse(GeneratorSyntaxContext context, CancellationToken cancellationToken)
    {
        var invocation = (InvocationExpressionSyntax)context.Node;
        if (context.SemanticModel.GetSymbolInfo(invocation, cancellationToken).Symbol is not IMethodSymbol called)
        {
            return null;
        }

        IMethodSymbol method = (called.ReducedFrom ?? called).OriginalDefinition;
        bool monitored = MonitorSettingsReader.Read(method) is not null;
        try
        {
            // Not monitored itself: an interface or virtual method may still reach monitored implementations.
            return monitored
                ? ParseMonitored(context, invocation, called, method, cancellationToken)
                : DispatchParser.TryParse(context, invocation, method, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            var where = new InterceptLocationSpec(0, "", Display(invocation.GetLocation()));
            return new CallSiteSpec(TargetMethodParser.KeyOf(method), where, null, ex.GetType().Name + ": " + ex.Message);
        }
    }

    private static CallSiteSpec? ParseMonitored(GeneratorSyntaxContext context, InvocationExpressionSyntax invocation, IMethodSymbol called, IMethodSymbol method, CancellationToken cancellationToken)
    {
        Compilation compilation = context.SemanticModel.Compilation;
        if (!Interceptability.CanWrap(method, compilation) || InterceptionRules.IsBaseCall(invocation) || InterceptionRules.IsCallWithOwnTypeParameters(called)
            || InterceptionRules.IsOnValueOfTypeParameter(context.SemanticModel, invocation, called, cancellationToken) || IsInExpressionTree(context.SemanticModel, invocation, cancellationToken) || IsDynamicallyBound(context.SemanticModel, invocation, cancellationToken))
        {
            return null;
        }

        var location = context.SemanticModel.GetInterceptableLocation(invocation, cancellationToken);
        if (location is null)
        {
            return null;
        }

        // Methods declared here with [Monitor]/[TraceTime] get their spec from the declarations step; methods of
        // other assemblies, or covered only by [assembly: MonitorAll], get it here.
        bool fromDeclarations = SymbolEqualityComparer.Default.Equals(method.ContainingAssembly, compilation.Assembly)
                                && MonitorSettingsReader.IsMonitoredByAttribute(method);
        TargetMethodSpec? target = fromDeclarations ? null : TargetMethodParser.TryParse(method, compilation);
        if (!fromDeclarations && target is null)
        {
            return null;
        }

        var where = new InterceptLocationSpec(location.Version, location.Data, Display(invocation.GetLocation()));
        return new CallSiteSpec(TargetMethodParser.KeyOf(method), where, target, null);
    }

    // A call with a dynamic argument is bound at run time, even when the compiler names its only candidate: the
    // compiler never applies an interceptor to it, so a wrapper would be dead code.
    private static bool IsDynamicallyBound(SemanticModel model, InvocationExpressionSyntax invocation, CancellationToken cancellationToken) =>
        model.GetOperation(invocation, cancellationToken) is Microsoft.CodeAnalysis.Operations.IDynamicInvocationOperation;

    // Calls inside a lambda converted to Expression<T> are data, not calls: they cannot be intercepted.
    internal static bool IsInExpressionTree(SemanticModel model, SyntaxNode node, CancellationToken cancellationToken)
    {
        for (SyntaxNode? current = node.Parent; current is not null; current = current.Parent)
        {
            if (current is AnonymousFunctionExpressionSyntax lambda
                && model.GetTypeInfo(lambda, cancellationToken).ConvertedType is INamedTypeSymbol { Name: "Expression" } type
                && type.ContainingNamespace?.ToDisplayString() == "System.Linq.Expressions")
            {
                return true;
            }

            if (current is MemberDeclarationSyntax)
            {
                break;
            }
        }

        return false;
    }

    internal static string Display(Location location)
    {
        FileLinePositionSpan span = location.GetLineSpan();
        return $"{Path.GetFileName(span.Path)}({span.StartLinePosition.Line + 1},{span.StartLinePosition.Character + 1})";
    }
}
