using System.Threading.Tasks;
using Instrumentor.Analyzers.Declarations;
using Instrumentor.Analyzers.Tests.Infrastructure;
using Microsoft.CodeAnalysis.Testing;

namespace Instrumentor.Analyzers.Tests.Declarations;

public sealed class UnreachedMonitoredMethodAnalyzerTests
{
    private static DiagnosticResult Expected(int markup = 0) =>
        Verify<UnreachedMonitoredMethodAnalyzer>.Diagnostic(DiagnosticDescriptors.UnreachedMonitoredMethod, markup);

    private static Task InExecutable(string source, params DiagnosticResult[] expected) =>
        new InstrumentorAnalyzerTest<UnreachedMonitoredMethodAnalyzer>(source + "\nstatic class Program { static void Main() { } }", expected)
            .AsExecutable()
            .RunAsync();

    [Test]
    public Task An_override_that_only_its_base_library_calls_is_reported_with_that_member() =>
        InExecutable(
            """
            using System.IO;
            using System.Text;
            using Instrumentor;
            sealed class LogWriter : TextWriter
            {
                public override Encoding Encoding => Encoding.UTF8;
                [Monitor] public override void {|#0:Write|}(char value) { }
            }
            """,
            Expected().WithArguments("LogWriter.Write(char)", "code calling 'TextWriter.Write(char)' (declared in System.Runtime)"));

    [Test]
    public Task A_public_method_of_an_executable_that_nothing_calls_is_reported() =>
        InExecutable(
            """
            using Instrumentor;
            public class OrdersController
            {
                [Monitor] public string {|#0:Get|}(int id) => id.ToString();
            }
            """,
            Expected().WithArguments("OrdersController.Get(int)", "a framework or another assembly"));

    [Test]
    public Task Every_unreached_method_of_a_monitored_type_is_reported_and_a_called_one_is_not() =>
        InExecutable(
            """
            using Instrumentor;
            [Monitor]
            class Jobs
            {
                public int {|#0:Run|}() => Step();
                private int Step() => 1;
            }
            """,
            Expected().WithArguments("Jobs.Run()", "a framework or another assembly"));

    [Test]
    public Task A_method_called_directly_is_not_reported() =>
        InExecutable(
            """
            using Instrumentor;
            class Calc
            {
                [Monitor] public int Square(int x) => x * x;
                public int Use() => Square(2);
            }
            """);

    [Test]
    public Task Implementations_and_overrides_called_through_their_interface_or_base_type_are_not_reported() =>
        InExecutable(
            """
            using System.Threading.Tasks;
            using Instrumentor;
            interface IOrders { Task PlaceAsync(int id); }
            sealed class Orders : IOrders { [Monitor] public Task PlaceAsync(int id) => Task.CompletedTask; }
            interface IClock { long Now(); }
            sealed class Clock : IClock { [Monitor] long IClock.Now() => 1; }
            abstract class Job { public abstract int Run(); }
            class PrintJob : Job { [Monitor] public override int Run() => 1; }
            static class Use
            {
                static Task Place(IOrders orders) => orders.PlaceAsync(1);
                static long Now(IClock clock) => clock.Now();
                static int Run(Job job) => job.Run();
            }
            """);

    [Test]
    public Task An_implementation_whose_interface_is_never_called_is_reported() =>
        InExecutable(
            """
            using Instrumentor;
            interface IHandler { void Handle(string message); }
            sealed class Handler : IHandler { [Monitor] public void {|#0:Handle|}(string message) { } }
            """,
            Expected().WithArguments("Handler.Handle(string)", "a framework or another assembly"));

    [Test]
    public Task A_method_group_counts_as_reached_since_INSTR002_reports_it() =>
        InExecutable(
            """
            using System;
            using Instrumentor;
            static class Calc
            {
                [Monitor] public static int Square(int x) => x * x;
                static Func<int, int> F = Square;
            }
            """);

    [Test]
    public Task Methods_selected_by_MonitorAll_are_never_reported() =>
        InExecutable(
            """
            using Instrumentor;
            [assembly: MonitorAll(Include = ".*")]
            public class OrdersController
            {
                public string Get(int id) => id.ToString();
            }
            """);

    [Test]
    public Task In_a_library_an_unreached_public_method_is_not_reported_but_an_internal_one_and_an_external_override_are() =>
        Verify<UnreachedMonitoredMethodAnalyzer>.AnalyzerAsync(
            """
            using System.IO;
            using System.Text;
            using Instrumentor;
            public class Pricing
            {
                [Monitor] public decimal Price(int quantity) => quantity;
                [Monitor] internal decimal {|#0:Discount|}(int quantity) => quantity;
            }
            public sealed class LogWriter : TextWriter
            {
                public override Encoding Encoding => Encoding.UTF8;
                [Monitor] public override void {|#1:Write|}(char value) { }
            }
            """,
            Expected(0).WithArguments("Pricing.Discount(int)", "a framework or another assembly"),
            Expected(1).WithArguments("LogWriter.Write(char)", "code calling 'TextWriter.Write(char)' (declared in System.Runtime)"));
}
