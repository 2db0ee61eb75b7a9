using System.Threading.Tasks;
using Instrumentor.Analyzers.Declarations;
using Instrumentor.Analyzers.Tests.Infrastructure;
using Microsoft.CodeAnalysis.Testing;

namespace Instrumentor.Analyzers.Tests.Declarations;

public sealed class AsyncVoidMonitoredMethodAnalyzerTests
{
    private static DiagnosticResult Expected(string method, int markup = 0) =>
        Verify<AsyncVoidMonitoredMethodAnalyzer>.Diagnostic(DiagnosticDescriptors.AsyncVoidMonitoredMethod, markup).WithArguments(method);

    [Test]
    public Task Async_void_monitored_method_is_reported_on_its_name() =>
        Verify<AsyncVoidMonitoredMethodAnalyzer>.AnalyzerAsync(
            """
            using System.Threading.Tasks;
            using Instrumentor;
            class Orders
            {
                [Monitor] public async void {|#0:Submit|}(int id) => await Task.Delay(id);
                [TraceTime] public async void {|#1:Cancel|}() => await Task.Yield();
            }
            """,
            Expected("Orders.Submit(int)"),
            Expected("Orders.Cancel()", 1));

    [Test]
    public Task Async_void_method_of_a_monitored_type_is_reported() =>
        Verify<AsyncVoidMonitoredMethodAnalyzer>.AnalyzerAsync(
            """
            using System.Threading.Tasks;
            using Instrumentor;
            [Monitor]
            class Orders
            {
                public async void {|#0:Submit|}() => await Task.Yield();
            }
            """,
            Expected("Orders.Submit()"));

    [Test]
    public Task Async_void_method_selected_by_MonitorAll_is_reported() =>
        Verify<AsyncVoidMonitoredMethodAnalyzer>.AnalyzerAsync(
            """
            using System.Threading.Tasks;
            using Instrumentor;
            [assembly: MonitorAll(Include = "^Process")]
            class Orders
            {
                public async void {|#0:ProcessOrder|}() => await Task.Yield();
                public async void Refresh() => await Task.Yield();
            }
            """,
            Expected("Orders.ProcessOrder()"));

    [Test]
    public Task Async_Task_and_unmonitored_async_void_are_not_reported() =>
        Verify<AsyncVoidMonitoredMethodAnalyzer>.AnalyzerAsync(
            """
            using System.Threading.Tasks;
            using Instrumentor;
            class Orders
            {
                [Monitor] public async Task Submit() => await Task.Yield();
                [Monitor] public async ValueTask<int> Count() { await Task.Yield(); return 1; }
                [Monitor] public void Synchronous() { }
                public async void OnClick(object sender, System.EventArgs e) => await Task.Yield();
            }
            """);
}
