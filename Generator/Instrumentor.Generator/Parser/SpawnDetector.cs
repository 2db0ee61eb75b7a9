using System.Collections.Concurrent;
using System.Linq;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Instrumentor.Generator.Parser;

/// <summary>
/// Whether the body of a synchronous monitored method may start work that runs outside the call's own stack (on
/// another thread, or after an <c>await</c>): then its wrapper publishes the span in the ExecutionContext
/// (<c>SyncSpan.StartFlowing</c>), so that work nests under it. That costs an AsyncLocal write, too much for
/// every call, so the other methods keep the thread-slot-only span.
/// </summary>
/// <remarks>
/// Work can only be started elsewhere through a delegate or a thread-starting API, so the body flows when it holds:
/// <list type="bullet">
/// <item>a lambda, anonymous method or method group converted to a delegate, unless it is an expression tree or an
/// argument of an API that runs it before returning or while its result is enumerated (LINQ to objects, <c>List&lt;T&gt;</c>,
/// <c>Array</c>, ...: those run on the calling thread);</item>
/// <item>an <c>await</c> (in an async lambda or local function);</item>
/// <item>a call to, or a <c>new</c> of, a type that starts work: <c>Task</c>, <c>TaskFactory</c>, <c>Parallel</c>,
/// <c>ThreadPool</c>, <c>Thread</c>, timers, PLINQ, <c>BackgroundWorker</c> (covers a delegate passed in a variable).</item>
/// </list>
/// A method without a body here (from another assembly, <c>extern</c>) is assumed to flow: correct nesting is the
/// safe default, its price the AsyncLocal write. Work started by a helper the body calls, with none of the above in
/// the body itself, is not seen.
/// </remarks>
internal static class SpawnDetector
{
    // Types whose creation captures the ExecutionContext for work that runs later (a Task, a thread, a timer).
    private static readonly string[] s_startingConstructions =
    {
        "System.Threading.Tasks.Task",
        "System.Threading.Tasks.Task<TResult>",
        "System.Threading.Thread",
        "System.Threading.Timer",
        "System.Timers.Timer",
        "System.ComponentModel.BackgroundWorker",
    };

    // Methods that start work elsewhere, by the name of their type; a name filters invocations before the
    // semantic model is asked.
    private static readonly (string Type, string[] Methods)[] s_startingMethods =
    {
        ("System.Threading.Tasks.Task", new[] { "Run", "ContinueWith", "Start" }),
        ("System.Threading.Tasks.Task<TResult>", new[] { "ContinueWith", "Start" }),
        ("System.Threading.Tasks.TaskFactory", new[] { "StartNew", "ContinueWhenAll", "ContinueWhenAny", "FromAsync" }),
        ("System.Threading.Tasks.TaskFactory<TResult>", new[] { "StartNew", "ContinueWhenAll", "ContinueWhenAny", "FromAsync" }),
        ("System.Threading.Tasks.Parallel", new[] { "For", "ForEach", "ForAsync", "ForEachAsync", "Invoke" }),
        ("System.Threading.ThreadPool", new[] { "QueueUserWorkItem", "RegisterWaitForSingleObject" }),
        ("System.Threading.Thread", new[] { "Start" }),
        ("System.Timers.Timer", new[] { "Start" }),
        ("System.Linq.ParallelEnumerable", new[] { "AsParallel" }),
        ("System.ComponentModel.BackgroundWorker", new[] { "RunWorkerAsync" }),
    };

    private static readonly string[] s_startingMethodNames = s_startingMethods.SelectMany(static m => m.Methods).Distinct().ToArray();

    // Types whose delegate parameters run on the calling thread, before the call returns or while its result is
    // enumerated: a lambda passed to them starts nothing elsewhere.
    private static readonly string[] s_synchronousTypes =
    {
        "System.Linq.Enumerable",
        "System.Linq.Queryable",
        "System.Collections.Generic.List<T>",
        "System.Array",
        "System.MemoryExtensions",
        "System.String",
        "System.Collections.Concurrent.ConcurrentDictionary<TKey, TValue>",
    };

    // Methods found through [assembly: MonitorAll] or in other assemblies get their spec at each call site: the
    // answer is kept per compilation (a new compilation after an edit asks again).
    private static readonly ConditionalWeakTable<Compilation, ConcurrentDictionary<ISymbol, bool>> s_answers = new();

    /// <summary>Whether calls to <paramref name="method"/> should publish their span in the ExecutionContext.</summary>
    public static bool StartsWorkElsewhere(IMethodSymbol method, Compilation compilation) =>
        s_answers.GetValue(compilation, static _ => new ConcurrentDictionary<ISymbol, bool>(SymbolEqualityComparer.Default))
            .GetOrAdd(method, m => Inspect((IMethodSymbol)m, compilation));

    private static bool Inspect(IMethodSymbol method, Compilation compilation)
    {
        try
        {
            return InspectBody(method, compilation);
        }
        catch (System.Exception ex) when (ex is not System.OperationCanceledException)
        {
            // The generator never breaks a build: when in doubt, the wrapper that nests correctly.
            return true;
        }
    }

    private static bool InspectBody(IMethodSymbol method, Compilation compilation)
    {
        bool sawBody = false;
        foreach (SyntaxReference reference in method.DeclaringSyntaxReferences)
        {
            // A method of a referenced project seen as source (the IDE's compilation references) has its syntax in
            // another compilation, whose semantic model is not ours: treated as having no body here.
            SyntaxNode? body = compilation.ContainsSyntaxTree(reference.SyntaxTree) ? BodyOf(reference.GetSyntax()) : null;
            if (body is null)
            {
                continue;
            }

            sawBody = true;
            SemanticModel? model = null;
            foreach (SyntaxNode node in body.DescendantNodesAndSelf())
            {
                if (IsCandidate(node) && StartsWork(node, model ??= compilation.GetSemanticModel(node.SyntaxTree)))
                {
                    return true;
                }
            }
        }

        return !sawBody;
    }

    private static SyntaxNode? BodyOf(SyntaxNode declaration) => declaration switch
    {
        BaseMethodDeclarationSyntax m => (SyntaxNode?)m.Body ?? m.ExpressionBody,
        _ => null,
    };

    /// <summary>A cheap syntactic filter, so that the semantic model is asked about few nodes.</summary>
    private static bool IsCandidate(SyntaxNode node) => node switch
    {
        AnonymousFunctionExpressionSyntax or AwaitExpressionSyntax or BaseObjectCreationExpressionSyntax => true,
        InvocationExpressionSyntax invocation => NameOf(invocation.Expression) is { } name && s_startingMethodNames.Contains(name),
        // A method group is a name (or member access) where a value is expected, and not invoked.
        IdentifierNameSyntax or MemberAccessExpressionSyntax => node.Parent is ArgumentSyntax or EqualsValueClauseSyntax
            or ReturnStatementSyntax or ArrowExpressionClauseSyntax or CastExpressionSyntax
            || node.Parent is AssignmentExpressionSyntax assignment && assignment.Right == node,
        _ => false,
    };

    private static string? NameOf(ExpressionSyntax expression) => expression switch
    {
        MemberAccessExpressionSyntax access => access.Name.Identifier.ValueText,
        SimpleNameSyntax name => name.Identifier.ValueText,
        MemberBindingExpressionSyntax binding => binding.Name.Identifier.ValueText,
        _ => null,
    };

    private static bool StartsWork(SyntaxNode node, SemanticModel model)
    {
        switch (node)
        {
            case AwaitExpressionSyntax:
                return true;
            case AnonymousFunctionExpressionSyntax lambda:
                return !IsExpressionTree(lambda, model) && !RunsOnCallingThread(lambda, model);
            case BaseObjectCreationExpressionSyntax creation:
                return model.GetTypeInfo(creation).Type is INamedTypeSymbol created
                    && s_startingConstructions.Contains(created.OriginalDefinition.ToDisplayString());
            case InvocationExpressionSyntax invocation:
                return model.GetSymbolInfo(invocation).Symbol is IMethodSymbol called && IsStartingMethod(called);
            default:
                // A method group converted to a delegate.
                return model.GetSymbolInfo(node).Symbol is IMethodSymbol
                    && model.GetTypeInfo(node).ConvertedType is { TypeKind: TypeKind.Delegate }
                    && !RunsOnCallingThread(node, model);
        }
    }

    private static bool IsStartingMethod(IMethodSymbol method)
    {
        string type = method.ContainingType.OriginalDefinition.ToDisplayString();
        return s_startingMethods.Any(m => m.Type == type && m.Methods.Contains(method.Name));
    }

    private static bool IsExpressionTree(SyntaxNode lambda, SemanticModel model) =>
        model.GetTypeInfo(lambda).ConvertedType is INamedTypeSymbol { Name: "Expression", IsGenericType: true } type
        && type.ContainingNamespace.ToDisplayString() == "System.Linq.Expressions";

    private static bool RunsOnCallingThread(SyntaxNode expression, SemanticModel model)
    {
        if (expression.Parent is not ArgumentSyntax { Parent: ArgumentListSyntax { Parent: InvocationExpressionSyntax invocation } })
        {
            return false;
        }

        return model.GetSymbolInfo(invocation).Symbol is IMethodSymbol called
            && s_synchronousTypes.Contains(called.ContainingType.OriginalDefinition.ToDisplayString());
    }
}
