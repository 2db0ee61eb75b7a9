using System.Threading.Tasks;
using Instrumentor.Analyzers.Declarations;
using Instrumentor.Analyzers.Tests.Infrastructure;
using Instrumentor.CodeFixes;
using Microsoft.CodeAnalysis.Testing;

namespace Instrumentor.Analyzers.Tests.CodeFixes;

public sealed class AsyncVoidToTaskCodeFixProviderTests
{
    private static DiagnosticResult Expected(string method, int markup = 0) =>
        Verify<AsyncVoidMonitoredMethodAnalyzer>.Diagnostic(DiagnosticDescriptors.AsyncVoidMonitoredMethod, markup).WithArguments(method);

    private static Task RunAsync(string source, string fixedSource, params DiagnosticResult[] expected) =>
        new InstrumentorCodeFixTest<AsyncVoidMonitoredMethodAnalyzer, AsyncVoidToTaskCodeFixProvider>(source, fixedSource, expected).RunAsync();

    [Test]
    public Task Return_type_becomes_Task_when_the_using_exists() =>
        RunAsync(
            """
            using System.Threading.Tasks;
            using Instrumentor;

            class Orders
            {
                [Monitor]
                public async void {|#0:Submit|}(int id)
                {
                    await Task.Delay(id);
                }
            }
            """,
            """
            using System.Threading.Tasks;
            using Instrumentor;

            class Orders
            {
                [Monitor]
                public async Task Submit(int id)
                {
                    await Task.Delay(id);
                }
            }
            """,
            Expected("Orders.Submit(int)"));

    [Test]
    public Task Using_System_Threading_Tasks_is_added_when_missing() =>
        RunAsync(
            """
            using Instrumentor;

            class Orders
            {
                [Monitor] public async void {|#0:Submit|}() => await System.Threading.Tasks.Task.Yield();
            }
            """,
            """
            using System.Threading.Tasks;
            using Instrumentor;

            class Orders
            {
                [Monitor] public async Task Submit() => await System.Threading.Tasks.Task.Yield();
            }
            """,
            Expected("Orders.Submit()"));

    [Test]
    public Task Name_stays_qualified_when_Task_means_something_else() =>
        RunAsync(
            """
            using Instrumentor;

            class Task { }

            class Orders
            {
                [Monitor] public async void {|#0:Submit|}() => await System.Threading.Tasks.Task.Yield();
            }
            """,
            """
            using Instrumentor;

            class Task { }

            class Orders
            {
                [Monitor] public async System.Threading.Tasks.Task Submit() => await System.Threading.Tasks.Task.Yield();
            }
            """,
            Expected("Orders.Submit()"));

    [Test]
    public Task Fix_all_changes_every_async_void_method_of_the_document() =>
        RunAsync(
            """
            using Instrumentor;

            [Monitor]
            class Orders
            {
                public async void {|#0:Submit|}() => await System.Threading.Tasks.Task.Yield();
                public async void {|#1:Cancel|}() => await System.Threading.Tasks.Task.Yield();
                public async void {|#2:Refund|}() => await System.Threading.Tasks.Task.Yield();
            }
            """,
            """
            using System.Threading.Tasks;
            using Instrumentor;

            [Monitor]
            class Orders
            {
                public async Task Submit() => await System.Threading.Tasks.Task.Yield();
                public async Task Cancel() => await System.Threading.Tasks.Task.Yield();
                public async Task Refund() => await System.Threading.Tasks.Task.Yield();
            }
            """,
            Expected("Orders.Submit()"),
            Expected("Orders.Cancel()", 1),
            Expected("Orders.Refund()", 2));

    [Test]
    public Task Override_keeps_its_signature_and_gets_no_fix()
    {
        const string Source = """
            using Instrumentor;

            abstract class Handler { public abstract void Handle(); }

            [Monitor]
            class Orders : Handler
            {
                public override async void {|#0:Handle|}() => await System.Threading.Tasks.Task.Yield();
            }
            """;
        var test = new InstrumentorCodeFixTest<AsyncVoidMonitoredMethodAnalyzer, AsyncVoidToTaskCodeFixProvider>(Source, Source, Expected("Orders.Handle()"))
        {
            NumberOfIncrementalIterations = 0,
            NumberOfFixAllIterations = 0,
            NumberOfFixAllInDocumentIterations = 0,
        };
        return test.RunAsync();
    }
}
