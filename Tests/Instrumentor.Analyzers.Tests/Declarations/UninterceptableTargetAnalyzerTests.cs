using System.Threading.Tasks;
using Instrumentor.Analyzers.Declarations;
using Instrumentor.Analyzers.Tests.Infrastructure;
using Microsoft.CodeAnalysis.Testing;
using Microsoft.CodeAnalysis.Text;

namespace Instrumentor.Analyzers.Tests.Declarations;

public sealed class UninterceptableTargetAnalyzerTests
{
    private static DiagnosticResult Expected(string member, string kind, int markup = 0, string attribute = "Monitor") =>
        Verify<UninterceptableTargetAnalyzer>.Diagnostic(DiagnosticDescriptors.UninterceptableTarget, markup).WithArguments(member, kind, attribute);

    [Test]
    public Task Monitor_on_a_hidden_generic_method_is_reported_and_params_collections_are_not() =>
        Verify<UninterceptableTargetAnalyzer>.AnalyzerAsync(
            """
            using System;
            using System.Collections.Generic;
            using Instrumentor;
            class Bag
            {
                [Monitor] public int Count(params List<int> items) => items.Count;
                [Monitor] public int Span(params ReadOnlySpan<int> items) => items.Length;
                [{|#1:Monitor|}] private T Echo<T>(T value) => value;
                [Monitor] public int Sum(params int[] items) => items.Length;
                [Monitor] public T Open<T>(T value) => value;
                [Monitor] private int Hidden(int x) => x;
                public int Use() => Echo(1) + Hidden(2);
            }
            """,
            Expected("Bag.Echo<T>(T)", "a generic method that is not visible to generated code (private or protected)", 1));

    [Test]
    public Task Monitor_on_shapes_no_wrapper_can_stand_in_for_is_reported() =>
        Verify<UninterceptableTargetAnalyzer>.AnalyzerAsync(
            """
            using Instrumentor;
            interface IParse<TSelf> where TSelf : IParse<TSelf>
            {
                [{|#0:Monitor|}] static abstract TSelf Parse(string text);
                [{|#1:Monitor|}] static virtual int Zero() => 0;
                [Monitor] static int Helper() => 1;
                [Monitor] int Default() => 2;
            }
            static partial class Odd
            {
                [{|#2:Monitor|}] public static int Count(int first, __arglist) => first;
                [{|#3:Monitor|}] static partial void Nothing(int x);
                [{|#5:Monitor|}] public static int RefDynamic(ref dynamic value) => 0;
                [Monitor] public static int Dynamic(dynamic value) => 0;
                [Monitor] public static partial int Implemented(int x);
                public static partial int Implemented(int x) => x;
            }
            class Box<T>
            {
            #pragma warning disable CS0693
                [{|#4:Monitor|}] public int Same<T>(T value) => 3;
            #pragma warning restore CS0693
                [Monitor] public int Other<U>(U value) => 3;
            }
            """,
            Expected("IParse<TSelf>.Parse(string)", "a static abstract or virtual interface member (called through a type parameter)"),
            Expected("IParse<TSelf>.Zero()", "a static abstract or virtual interface member (called through a type parameter)", 1),
            Expected("Odd.Count(int, __arglist)", "a method with __arglist", 2),
            Expected("Odd.Nothing(int)", "a partial method without implementation (the compiler removes its calls)", 3),
            Expected("Box<T>.Same<T>(T)", "a generic method whose type parameter has the name of one of its type's", 4),
            Expected("Odd.RefDynamic(ref dynamic)", "a method with a dynamic parameter passed by reference", 5));

    [Test]
    public Task Monitor_on_property_getter_is_reported() =>
        Verify<UninterceptableTargetAnalyzer>.AnalyzerAsync(
            """
            using Instrumentor;
            class Account
            {
                public int Balance { [{|#0:Monitor|}] get => 1; }
            }
            """,
            Expected("Account.Balance.get", "a property accessor"));

    [Test]
    public Task Monitor_on_property_setter_and_indexer_accessor_is_reported() =>
        Verify<UninterceptableTargetAnalyzer>.AnalyzerAsync(
            """
            using Instrumentor;
            class Account
            {
                private int _balance;
                public int Balance { get => _balance; [{|#0:Monitor|}] set => _balance = value; }
                public int this[int index] { [{|#1:Monitor|}] get => index; }
            }
            """,
            Expected("Account.Balance.set", "a property accessor"),
            Expected("Account.this[int].get", "a property accessor", 1));

    [Test]
    public Task Monitor_on_event_accessors_is_reported() =>
        Verify<UninterceptableTargetAnalyzer>.AnalyzerAsync(
            """
            using System;
            using Instrumentor;
            class Button
            {
                public event EventHandler Clicked { [{|#0:Monitor|}] add { } [{|#1:Monitor|}] remove { } }
            }
            """,
            Expected("Button.Clicked.add", "an event accessor"),
            Expected("Button.Clicked.remove", "an event accessor", 1));

    [Test]
    public Task Monitor_on_operators_and_conversions_is_reported() =>
        Verify<UninterceptableTargetAnalyzer>.AnalyzerAsync(
            """
            using Instrumentor;
            struct Money
            {
                [{|#0:Monitor|}] public static Money operator +(Money left, Money right) => left;
                [{|#1:Monitor|}] public static implicit operator decimal(Money money) => 0m;
            }
            """,
            Expected("Money.operator +(Money, Money)", "an operator"),
            Expected("Money.implicit operator decimal(Money)", "a conversion operator", 1));

    [Test]
    public Task Monitor_on_finalizer_is_reported() =>
        Verify<UninterceptableTargetAnalyzer>.AnalyzerAsync(
            """
            using Instrumentor;
            class Handle
            {
                [{|#0:Monitor|}] ~Handle() { }
            }
            """,
            Expected("Handle.~Handle()", "a finalizer"));

    [Test]
    public Task Monitor_on_local_function_is_reported() =>
        Verify<UninterceptableTargetAnalyzer>.AnalyzerAsync(
            """
            using Instrumentor;
            class Pricing
            {
                int Total()
                {
                    return Add(1, 2);

                    [{|#0:Monitor|}] static int Add(int a, int b) => a + b;
                }
            }
            """,
            Expected("Add(int, int)", "a local function"));

    [Test]
    public Task Monitor_on_lambda_is_reported() =>
        Verify<UninterceptableTargetAnalyzer>.AnalyzerAsync(
            """
            using System;
            using Instrumentor;
            class Pricing
            {
                Func<int, int> Doubler = [{|#0:Monitor|}] (int x) => x * 2;
            }
            """,
            Expected("lambda expression", "a lambda"));

    [Test]
    public Task TraceTime_on_accessor_is_reported_with_its_own_name() =>
        Verify<UninterceptableTargetAnalyzer>.AnalyzerAsync(
            """
            using Instrumentor;
            class Account
            {
                public int Balance { [{|#0:TraceTime|}] get => 1; }
            }
            """,
            Expected("Account.Balance.get", "a property accessor", attribute: "TraceTime"));

    [Test]
    public Task Monitor_on_constructor_is_a_compiler_error_and_is_also_explained() =>
        // AttributeUsage has no Constructor target, so C# itself rejects it (CS0592); INSTR001 says why it would not work anyway.
        Verify<UninterceptableTargetAnalyzer>.AnalyzerAsync(
            """
            using Instrumentor;
            class Account
            {
                [{|#0:Monitor|}] public Account() { }
                [{|#1:Monitor|}] static Account() { }
            }
            """,
            DiagnosticResult.CompilerError("CS0592").WithLocation(0).WithArguments("Monitor", "class, struct, method"),
            DiagnosticResult.CompilerError("CS0592").WithLocation(1).WithArguments("Monitor", "class, struct, method"),
            Expected("Account.Account()", "a constructor"),
            Expected("Account.Account()", "a static constructor", 1));

    [Test]
    public Task Monitor_on_constructors_is_reported_should_attribute_usage_ever_allow_it()
    {
        var test = new InstrumentorAnalyzerTest<UninterceptableTargetAnalyzer>(
            """
            using Instrumentor;
            class Account
            {
                [{|#0:Monitor|}] public Account() { }
                [{|#1:Monitor|}] static Account() { }
            }
            """,
            Expected("Account.Account()", "a constructor"),
            Expected("Account.Account()", "a static constructor", 1));
        test.TestState.Sources[1] = (AttributeSource.FileName, SourceText.From(AttributeSource.Text.Replace(
            "[AttributeUsage(AttributeTargets.Method | AttributeTargets.Class",
            "[AttributeUsage(AttributeTargets.Constructor | AttributeTargets.Method | AttributeTargets.Class",
            System.StringComparison.Ordinal)));
        return test.RunAsync();
    }

    [Test]
    public Task Monitor_on_ordinary_abstract_and_interface_methods_is_not_reported() =>
        Verify<UninterceptableTargetAnalyzer>.AnalyzerAsync(
            """
            using Instrumentor;
            interface IPricing { [Monitor] int Price(int quantity); }
            abstract class PricingBase { [Monitor] public abstract int Discount(int quantity); }
            class Pricing : PricingBase, IPricing
            {
                [Monitor] public int Price(int quantity) => quantity;
                [Monitor] public override int Discount(int quantity) => 0;
                [TraceTime] public static int Tax(int amount) => amount / 5;
            }
            """);

    [Test]
    public Task Class_level_Monitor_does_not_report_constructors_accessors_or_operators() =>
        Verify<UninterceptableTargetAnalyzer>.AnalyzerAsync(
            """
            using Instrumentor;
            [Monitor]
            class Account
            {
                public Account() { }
                static Account() { }
                ~Account() { }
                public int Balance { get; set; }
                public static Account operator +(Account left, Account right) => left;
                public void Deposit(int amount) { }
            }
            """);
}
