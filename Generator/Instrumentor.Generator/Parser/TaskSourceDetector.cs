using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Instrumentor.Generator.Parser;

/// <summary>
/// Whether a task-returning monitored method can be traced with the span on the caller's stack (<c>SyncSpan</c>)
/// instead of an <c>AsyncSpan</c> published in the ExecutionContext: it is not <c>async</c>, starts no work
/// elsewhere (<see cref="SpawnDetector"/>), and gets its task from no call (other than the completed-task
/// factories), so none of its own code, nor code it called, can run after it returned. Its children all run inside
/// the call, where the thread's slot is enough; the AsyncLocal write (an ExecutionContext and a frame per call)
/// and the span object are saved. Anything else, and any doubt, keeps the AsyncSpan.
/// </summary>
internal static class TaskSourceDetector
{
    // Methods whose task is complete when they return: no continuation of anyone's code comes with it.
    private static readonly (string Type, string[] Methods)[] s_completedFactories =
    {
        ("System.Threading.Tasks.Task", new[] { "FromResult", "FromException", "FromCanceled" }),
        ("System.Threading.Tasks.ValueTask", new[] { "FromResult", "FromException", "FromCanceled" }),
    };

    /// <summary>Whether calls to <paramref name="method"/> (task-returning) may use the stack span.</summary>
    public static bool CompletesInCall(IMethodSymbol method, Compilation compilation)
    {
        try
        {
            return !method.IsAsync
                && !SpawnDetector.StartsWorkElsewhere(method, compilation)
                && HasOnlyCompletedTaskCalls(method, compilation);
        }
        catch (System.Exception ex) when (ex is not System.OperationCanceledException)
        {
            // The generator never breaks a build, and when in doubt it keeps the span that nests correctly.
            return false;
        }
    }

    private static bool HasOnlyCompletedTaskCalls(IMethodSymbol method, Compilation compilation)
    {
        bool sawBody = false;
        foreach (SyntaxReference reference in method.DeclaringSyntaxReferences)
        {
            SyntaxNode? body = compilation.ContainsSyntaxTree(reference.SyntaxTree)
                ? reference.GetSyntax() switch
                {
                    BaseMethodDeclarationSyntax m => (SyntaxNode?)m.Body ?? m.ExpressionBody,
                    _ => null,
                }
                : null;
            if (body is null)
            {
                continue;
            }

            sawBody = true;
            SemanticModel model = compilation.GetSemanticModel(body.SyntaxTree);
            foreach (InvocationExpressionSyntax invocation in body.DescendantNodesAndSelf().OfType<InvocationExpressionSyntax>())
            {
                if (model.GetSymbolInfo(invocation).Symbol is not IMethodSymbol called)
                {
                    return false;
                }

                if (IsAwaitable(called.ReturnType) && !IsCompletedFactory(called))
                {
                    return false;
                }
            }
        }

        return sawBody;
    }

    /// <summary>A task, a task-like or anything awaitable (it has a GetAwaiter).</summary>
    private static bool IsAwaitable(ITypeSymbol type) =>
        type is INamedTypeSymbol named && (named.GetMembers("GetAwaiter").Length > 0
            || named.ContainingNamespace?.ToDisplayString() == "System.Threading.Tasks" && named.Name is "Task" or "ValueTask");

    private static bool IsCompletedFactory(IMethodSymbol method)
    {
        string type = method.ContainingType.OriginalDefinition.ToDisplayString();
        return s_completedFactories.Any(f => f.Type == type && f.Methods.Contains(method.Name));
    }
}
