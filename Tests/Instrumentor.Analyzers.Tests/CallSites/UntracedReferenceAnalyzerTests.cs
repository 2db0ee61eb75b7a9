using System.Threading.Tasks;
using Instrumentor.Analyzers.CallSites;
using Instrumentor.Analyzers.Tests.Infrastructure;
using Microsoft.CodeAnalysis.Testing;

namespace Instrumentor.Analyzers.Tests.CallSites;

public sealed class UntracedReferenceAnalyzerTests
{
    private const string Calc = """
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using System.Linq.Expressions;
        using Instrumentor;

        static class Calc
        {
            [Monitor] public static int Square(int x) => x * x;
            public static int Plain(int x) => x;
            public static int Apply(Func<int, int> f, int x) => f(x);
        }

        """;

    private static DiagnosticResult Expected(string use, int markup = 0, string method = "Calc.Square(int)") =>
        Verify<UntracedReferenceAnalyzer>.Diagnostic(DiagnosticDescriptors.UntracedReference, markup).WithArguments(method, use);

    [Test]
    public Task A_base_call_is_reported_and_an_ordinary_virtual_call_is_not() =>
        Verify<UntracedReferenceAnalyzer>.AnalyzerAsync(
            """
            using Instrumentor;
            class Shape { [Monitor] public virtual int Area() => 1; }
            class Square : Shape
            {
                public override int Area() => {|#0:base.Area()|} * 4;
                public int Twice() => this.Area() + Area();
            }
            """,
            Expected("base call", method: "Shape.Area()"));

    [Test]
    public Task A_generic_method_calling_itself_with_its_own_type_parameters_is_reported() =>
        Verify<UntracedReferenceAnalyzer>.AnalyzerAsync(
            """
            using System;
            using Instrumentor;
            static class Sorter
            {
                [Monitor] public static int Sort<TKey>(TKey key, int n) where TKey : IComparable => n <= 0 ? 0 : {|#0:Sort(key, n - 1)|} + Sort(1, 0);
                [Monitor] public static int Plain(int n) => n <= 0 ? 0 : Plain(n - 1);
                public static int Use() => Sort("a", 2);
            }
            class Tree<TKey>
            {
                [Monitor] public int Depth(TKey key, int n) => n <= 0 ? 0 : Depth(key, n - 1);
            }
            """,
            Expected("call of a generic method with its own type parameters (recursion)", method: "Sorter.Sort<TKey>(TKey, int)"));

    [Test]
    public Task A_call_on_a_value_of_a_type_parameter_that_may_be_a_struct_is_reported_and_one_known_to_be_a_class_is_not() =>
        Verify<UntracedReferenceAnalyzer>.AnalyzerAsync(
            """
            using Instrumentor;
            public interface ICursor { [Monitor] char Next(); }
            public static class CursorExtensions { [Monitor] public static char Peek<T>(this T cursor) where T : ICursor => 'p'; }
            public static class Reader
            {
                public static char Read<T>(ref T cursor) where T : ICursor => {|#0:cursor.Next()|};
                public static char ReadClass<T>(T cursor) where T : class, ICursor => cursor.Next();
                public static char ReadExtension<T>(T cursor) where T : ICursor => cursor.Peek();
                public static char ReadInterface(ICursor cursor) => cursor.Next();
            }
            """,
            Expected("call on a value of a type parameter that may be a struct", method: "ICursor.Next()"));

    [Test]
    public Task A_struct_calling_its_own_method_on_this_inside_a_generic_type_is_not_reported() =>
        Verify<UntracedReferenceAnalyzer>.AnalyzerAsync(
            """
            using Instrumentor;
            class Outer<T>
            {
                public record struct Holder
                {
                    public int F;
                    [Monitor] public int Bump(int by) { F += by; return F; }
                    public int Inside() => this.Bump(3) + Bump(1);
                }
            }
            struct Plain
            {
                public int F;
                [Monitor] public int Bump(int by) { F += by; return F; }
                public int Inside() => this.Bump(3);
            }
            static class Outside
            {
                public static int Use() { var h = new Outer<int>.Holder(); return h.Bump(1); }
            }
            """);

    [Test]
    public Task A_dynamically_bound_call_is_reported() =>
        Verify<UntracedReferenceAnalyzer>.AnalyzerAsync(
            Calc + """
            class Use
            {
                int A(dynamic d) => {|#0:Calc.Square(d)|} + Calc.Square(2) + Calc.Plain(d);
            }
            """,
            Expected("dynamically bound call"));

    [Test]
    public Task Method_group_of_monitored_method_is_reported() =>
        Verify<UntracedReferenceAnalyzer>.AnalyzerAsync(
            Calc + """
            class Use
            {
                Func<int, int> f = {|#0:Calc.Square|};
            }
            """,
            Expected("method group"));

    [Test]
    public Task Method_group_passed_as_argument_is_reported() =>
        Verify<UntracedReferenceAnalyzer>.AnalyzerAsync(
            Calc + """
            class Use
            {
                int A() => Calc.Apply({|#0:Calc.Square|}, 3);
                List<int> B(List<int> list) => list.Select({|#1:Calc.Square|}).ToList();
            }
            """,
            Expected("method group"),
            Expected("method group", 1));

    [Test]
    public Task Delegate_creation_is_reported() =>
        Verify<UntracedReferenceAnalyzer>.AnalyzerAsync(
            Calc + """
            class Use
            {
                Func<int, int> f = new Func<int, int>({|#0:Calc.Square|});
            }
            """,
            Expected("delegate creation"));

    [Test]
    public Task Function_pointer_is_reported() =>
        new InstrumentorAnalyzerTest<UntracedReferenceAnalyzer>(
            Calc + """
            unsafe class Use
            {
                int A()
                {
                    delegate*<int, int> square = &{|#0:Calc.Square|};
                    return square(2);
                }
            }
            """,
            Expected("function pointer")).WithUnsafeCode().RunAsync();

    [Test]
    public Task Invocation_inside_expression_tree_is_reported() =>
        Verify<UntracedReferenceAnalyzer>.AnalyzerAsync(
            Calc + """
            class Use
            {
                Expression<Func<int>> e = () => {|#0:Calc.Square(2)|};
                Expression<Func<int, Func<int>>> nested = y => () => {|#1:Calc.Square(y)|};
                IQueryable<int> Query(IQueryable<int> source) => from x in source select {|#2:Calc.Square(x)|};
            }
            """,
            Expected("expression tree"),
            Expected("expression tree", 1),
            Expected("expression tree", 2));

    [Test]
    public Task Nameof_is_not_reported() =>
        Verify<UntracedReferenceAnalyzer>.AnalyzerAsync(
            Calc + """
            class Use
            {
                string Name = nameof(Calc.Square);
            }
            """);

    [Test]
    public Task Direct_invocations_are_not_reported() =>
        Verify<UntracedReferenceAnalyzer>.AnalyzerAsync(
            Calc + """
            class Box { [Monitor] public int Get() => 1; }
            class Use
            {
                int A(Box? box)
                {
                    Func<int, int> viaLambda = x => Calc.Square(x);
                    var local = Local(3);
                    return Calc.Square(2) + viaLambda(1) + local + (box?.Get() ?? 0);

                    static int Local(int x) => Calc.Square(x);
                }

                IEnumerable<int> B(IEnumerable<int> source) => source.Select(x => Calc.Square(x));
            }
            """);

    [Test]
    public Task Invocations_in_top_level_statements_are_not_reported() =>
        new InstrumentorAnalyzerTest<UntracedReferenceAnalyzer>(
            """
            using Instrumentor;

            System.Console.WriteLine(Calc.Square(4));

            static class Calc
            {
                [Monitor] public static int Square(int x) => x * x;
            }
            """).AsExecutable().RunAsync();

    [Test]
    public Task Method_group_of_unmonitored_method_is_not_reported() =>
        Verify<UntracedReferenceAnalyzer>.AnalyzerAsync(
            Calc + """
            class Use
            {
                Func<int, int> f = Calc.Plain;
                Expression<Func<int>> e = () => Calc.Plain(2);
            }
            """);

    [Test]
    public Task Extension_and_generic_method_groups_are_reported_through_their_definition() =>
        Verify<UntracedReferenceAnalyzer>.AnalyzerAsync(
            """
            using System;
            using Instrumentor;
            static class Ext
            {
                [Monitor] public static string Shout(this string text) => text.ToUpperInvariant();
                [Monitor] public static T Same<T>(T value) => value;
            }
            class Use
            {
                Func<string> a = {|#0:"quiet".Shout|};
                Func<string, string> b = {|#1:Ext.Same<string>|};
            }
            """,
            Expected("method group", method: "Ext.Shout(string)"),
            Expected("method group", 1, "Ext.Same<string>(string)"));

    [Test]
    public Task Methods_of_monitored_types_and_TraceTime_methods_are_monitored() =>
        Verify<UntracedReferenceAnalyzer>.AnalyzerAsync(
            """
            using System;
            using Instrumentor;
            [Monitor]
            class Pricing
            {
                public int Price(int quantity) => quantity;
            }
            class Legacy
            {
                [TraceTime] public static void Run() { }
            }
            class Use
            {
                Func<int, int> a = {|#0:new Pricing().Price|};
                Action b = {|#1:Legacy.Run|};
            }
            """,
            Expected("method group", method: "Pricing.Price(int)"),
            Expected("method group", 1, "Legacy.Run()"));

    [Test]
    public Task MonitorAll_selects_methods_by_Include_and_Exclude() =>
        Verify<UntracedReferenceAnalyzer>.AnalyzerAsync(
            """
            using System;
            using Instrumentor;
            [assembly: MonitorAll(Include = "^(Process|Fetch)", Exclude = "Helper")]
            static class Jobs
            {
                public static void ProcessOrders() { }
                public static void ProcessHelper() { }
                public static void Cleanup() { }
            }
            class Use
            {
                Action a = {|#0:Jobs.ProcessOrders|};
                Action b = Jobs.ProcessHelper;
                Action c = Jobs.Cleanup;
            }
            """,
            Expected("method group", method: "Jobs.ProcessOrders()"));

    [Test]
    public Task MonitorAll_with_an_invalid_Include_selects_nothing() =>
        Verify<UntracedReferenceAnalyzer>.AnalyzerAsync(
            """
            using System;
            using Instrumentor;
            [assembly: MonitorAll(Include = "^(Process")]
            static class Jobs
            {
                public static void ProcessOrders() { }
            }
            class Use
            {
                Action a = Jobs.ProcessOrders;
            }
            """);

    [Test]
    public Task MonitorAll_without_Include_selects_nothing_and_an_empty_Include_selects_everything() =>
        Task.WhenAll(
            Verify<UntracedReferenceAnalyzer>.AnalyzerAsync(
                """
                using System;
                using Instrumentor;
                [assembly: MonitorAll(Exclude = "^Skip")]
                static class Jobs { public static void Cleanup() { } }
                class Use { Action a = Jobs.Cleanup; }
                """),
            Verify<UntracedReferenceAnalyzer>.AnalyzerAsync(
                """
                using System;
                using Instrumentor;
                [assembly: MonitorAll(Include = "", Exclude = "^Skip")]
                static class Jobs
                {
                    public static void Cleanup() { }
                    public static void SkipMe() { }
                }
                class Use
                {
                    Action a = {|#0:Jobs.Cleanup|};
                    Action b = Jobs.SkipMe;
                }
                """,
                Expected("method group", method: "Jobs.Cleanup()")));

    [Test]
    public Task Monitor_on_a_local_function_does_not_make_its_method_group_monitored() =>
        // INSTR001 already says the attribute has no effect there; the generator never traces a local function.
        Verify<UntracedReferenceAnalyzer>.AnalyzerAsync(
            """
            using System;
            using Instrumentor;
            class Use
            {
                Func<int> Make()
                {
                    return Local;

                    [Monitor] static int Local() => 1;
                }
            }
            """);
}
