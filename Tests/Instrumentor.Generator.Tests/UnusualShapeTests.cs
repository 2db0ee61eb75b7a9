using System.Collections.Generic;
using System.Linq;
using Instrumentor.Generator.Tests.Infrastructure;
using Instrumentor.Testing;
using Microsoft.CodeAnalysis;

namespace Instrumentor.Generator.Tests;

/// <summary>
/// Shapes real code has that once broke the build of the generated file (DESIGN.md §3, "The generator never breaks a
/// build"): each is traced correctly, or left exactly as written (and reported by an analyzer).
/// </summary>
[NonParallelizable]
public class UnusualShapeTests
{
    [Test]
    public void A_private_method_of_a_static_class_is_traced_through_an_accessor_that_names_the_class()
    {
        // CS0721 before: the accessor took the static class as its receiver parameter.
        const string source = """
            using Instrumentor;
            namespace App;
            public static class Helpers
            {
                public static int Use(int x) => Twice(x) + Nested.Half(x);
                [Monitor] private static int Twice(int x) => x * 2;
                public static class Nested { [Monitor] internal static int Half(int x) => Quarter(x) * 2; [Monitor] private static int Quarter(int x) => x / 4; }
            }
            public static class Entry { public static string Run() => Helpers.Use(8).ToString(); }
            """;

        IReadOnlyList<RecordedSpan> spans = RunTraced(source, "20");

        spans.Single(s => s.Process == "App.Helpers.Twice").Result.ShouldBe("16");
        spans.Single(s => s.Process == "App.Helpers.Nested.Quarter").Result.ShouldBe("2");
    }

    [Test]
    public void A_generic_method_whose_type_arguments_cannot_be_inferred_gets_them_explicitly()
    {
        // CS0411 before: the wrapper called Default(n) and Throw(e).
        const string source = """
            using System;
            using Instrumentor;
            namespace App;
            public static class Values
            {
                [Monitor] public static T Default<T>(int n) => default!;
                [Monitor] public static TResult Throw<TResult>(Exception e) => throw e;
                [Monitor] public static TOut Convert<TIn, TOut>(TIn value) where TOut : IConvertible => (TOut)System.Convert.ChangeType(value, typeof(TOut))!;
            }
            public static class Entry
            {
                public static string Run()
                {
                    string thrown;
                    try { Values.Throw<int>(new InvalidOperationException("no")); thrown = "none"; }
                    catch (InvalidOperationException e) { thrown = e.Message; }
                    return Values.Default<int>(3) + thrown + Values.Convert<int, string>(7);
                }
            }
            """;

        IReadOnlyList<RecordedSpan> spans = RunTraced(source, "0no7");

        spans.Single(s => s.Process == "App.Values.Default").Result.ShouldBe("0");
        spans.Single(s => s.Process == "App.Values.Throw").Status.ShouldBe("ERR");
        spans.Single(s => s.Process == "App.Values.Convert").Result.ShouldBe("7");
    }

    [Test]
    public void A_generic_method_calling_itself_with_its_own_type_parameters_keeps_that_call_as_written()
    {
        // CS9144 before: inside Sort<TKey>, the call Sort(keys, n - 1) binds to the generic definition itself, and the
        // compiler compares the interceptor with that definition, which no generic wrapper matches. Calls from outside
        // are traced; the recursive ones stay as written (INSTR002 reports them).
        const string source = """
            using System;
            using System.Collections.Generic;
            using Instrumentor;
            namespace App;
            public static class Sorter
            {
                [Monitor] public static int Sort<TKey>(List<TKey> keys, int n) where TKey : IComparable => n <= 0 ? keys.Count : Sort(keys, n - 1);
                [Monitor] public static int Local<T>(T value, int n) where T : notnull { int Again() => Local<T>(value, n - 1); return n <= 0 ? 0 : Again(); }
            }
            public class Tree<TKey, TValue> where TKey : IComparable<TKey>
            {
                [Monitor] public int Depth(TKey key, int n) => n <= 0 ? 0 : 1 + Depth(key, n - 1);
                [Monitor] public int Walk<U>(U u, int n) where U : IEquatable<U> => n <= 0 ? 0 : 1 + Walk(u, n - 1) + Walk(1, 0);
            }
            public static class Entry
            {
                public static string Run() =>
                    Sorter.Sort(new List<int> { 3, 1 }, 2) + ";" + Sorter.Local("x", 2) + ";" + new Tree<int, string>().Depth(1, 2) + ";" + new Tree<int, string>().Walk(2L, 1);
            }
            """;

        IReadOnlyList<RecordedSpan> spans = RunTraced(source, "2;0;2;1");

        spans.Count(s => s.Process == "App.Sorter.Sort").ShouldBe(1, "only the call from outside");
        spans.Count(s => s.Process == "App.Sorter.Local").ShouldBe(1);
        spans.Count(s => s.Process == "App.Tree<TKey, TValue>.Depth").ShouldBe(3, "a method of a generic type, not generic itself, is traced at every depth");
        spans.Count(s => s.Process == "App.Tree<TKey, TValue>.Walk").ShouldBe(2, "the outside call and Walk(1, 0), another instantiation");
    }

    [Test]
    public void A_generic_struct_calling_its_own_method_on_this_keeps_the_callee_s_field_changes()
    {
        // Lost before (found by the combinatorial test, seed 20261201, #1011 and #1761): inside a generic struct, `this`
        // has the type's definition as its type, whose type arguments carry no nullable annotation, while the wrapper's
        // receiver `ref S<T>` (declared under #nullable enable) had annotated ones. The compiler compares the receiver
        // with the interceptor's parameter including annotations and, when they differ, passes a converted copy of
        // `this` by reference: the callee's changes went to the copy. The wrapper's receiver is now oblivious.
        const string source = """
            using Instrumentor;
            namespace App;
            public struct Counter<T>
            {
                public int F;
                [Monitor] public void Bump(int by) { F += by; }
                [Monitor] public readonly int Peek() => F;
                public string Inside() { this.Bump(3); Bump(4); return F + "/" + Peek() + "/" + this.Peek(); }
            }
            public partial class Outer<TO> where TO : class
            {
                public record struct Holder
                {
                    public int F;
                    [Monitor] public int Bump(int by) { F += by; return F; }
                    public int Inside() => this.Bump(2) + Bump(5);
                }
            }
            public ref struct Cursor<T>
            {
                public int Position;
                [Monitor] public void Advance() { Position++; }
                public int Twice() { Advance(); this.Advance(); return Position; }
            }
            public static class Entry
            {
                public static string Run()
                {
                    var counter = new Counter<string?>();
                    string inside = counter.Inside();
                    counter.Bump(1);
                    var holder = new Outer<string>.Holder();
                    int sum = holder.Inside();
                    var cursor = new Cursor<int>();
                    return inside + ";" + counter.F + ";" + sum + ":" + holder.F + ";" + cursor.Twice() + ":" + cursor.Position;
                }
            }
            """;

        IReadOnlyList<RecordedSpan> spans = RunTraced(source, "7/7/7;8;9:7;2:2");

        spans.Count(s => s.Process == "App.Counter<T>.Bump").ShouldBe(3, "this.Bump, Bump and the outside call are all traced");
        spans.Count(s => s.Process == "App.Counter<T>.Peek").ShouldBe(2);
        spans.Count(s => s.Process == "App.Outer<TO>.Holder.Bump").ShouldBe(2);
        spans.Count(s => s.Process == "App.Cursor<T>.Advance").ShouldBe(2);
    }

    [Test]
    public void Params_spans_scoped_parameters_and_ref_structs_are_traced()
    {
        const string source = """
            using System;
            using System.Collections.Generic;
            using Instrumentor;
            namespace App;
            public ref struct Cursor
            {
                public Span<int> Items;
                public int Position;
                [Monitor] public int Next() => Items[Position++];
                [Monitor] public readonly Span<int> Rest() => Items.Slice(Position);
            }
            public static class Spans
            {
                [Monitor] public static int Sum(params ReadOnlySpan<int> items) { int s = 0; foreach (int i in items) s += i; return s; }
                [Monitor] public static int Count(params List<int> items) => items.Count;
                [Monitor] public static int First(scoped Span<int> items) => items[0];
                [Monitor] public static Span<int> Tail(Span<int> items) => items.Slice(1);
                [Monitor] public static int Read(scoped ref int value) => value;
            }
            public static class Entry
            {
                public static string Run()
                {
                    Span<int> numbers = stackalloc int[] { 4, 5, 6 };
                    var cursor = new Cursor { Items = numbers };
                    int first = cursor.Next();
                    int local = 9;
                    return Spans.Sum(1, 2, 3) + ";" + Spans.Count(1, 2) + ";" + Spans.First(numbers) + ";" + Spans.Tail(numbers).Length
                        + ";" + first + cursor.Next() + cursor.Rest().Length + ";" + Spans.Read(ref local);
                }
            }
            """;

        IReadOnlyList<RecordedSpan> spans = RunTraced(source, "6;2;4;2;451;9");

        spans.Single(s => s.Process == "App.Spans.Sum").Inputs["items"].ShouldBe("[ReadOnlySpan<int> Length=3]");
        spans.Single(s => s.Process == "App.Spans.Count").Result.ShouldBe("2");
        spans.Count(s => s.Process == "App.Cursor.Next").ShouldBe(2);
        spans.Single(s => s.Process == "App.Cursor.Rest").ShouldNotBeNull();
        spans.Single(s => s.Process == "App.Spans.Read").Inputs["value"].ShouldBe("9");
    }

    [Test]
    public void Results_that_may_point_into_ref_arguments_dynamic_parameters_and_ref_struct_type_arguments_are_traced()
    {
        // Found by the combinatorial test: a ref (or Span) result of a call with a ref argument may only escape through
        // a return statement (CS9079, CS8347); a dynamic parameter made the wrapper's own call dynamically bound
        // (CS1510 with a ref return); a value of a type parameter that allows ref structs cannot be captured
        // generically (CS9244).
        const string source = """
            using System;
            using Instrumentor;
            namespace App;
            public static class Refs
            {
                private static int s_cell;
                [Monitor] public static ref int Pick(ref int value, bool own) { if (own) return ref value; return ref s_cell; }
                [Monitor] public static Span<int> Wrap(ref int value) => new Span<int>(ref value);
                [Monitor] public static ref readonly int Same(dynamic ignored) => ref s_cell;
                [Monitor] public static int Describe(dynamic value) => value is int ? 1 : 2;
                public static int Describe(int value) => 3;
                [Monitor] public static int Size<T>(T value) where T : allows ref struct => 4;
            }
            public static class Entry
            {
                public static string Run()
                {
                    int x = 1;
                    Refs.Pick(ref x, own: true) = 5;
                    Refs.Wrap(ref x)[0]++;
                    Span<int> span = stackalloc int[] { 1 };
                    return x + ";" + Refs.Same("a") + ";" + Refs.Describe((object)7) + ";" + Refs.Size(span);
                }
            }
            """;

        IReadOnlyList<RecordedSpan> spans = RunTraced(source, "6;0;1;4");

        spans.Single(s => s.Process == "App.Refs.Pick").Inputs["value"].ShouldBe("1");
        spans.Single(s => s.Process == "App.Refs.Wrap").Result.ShouldBe("[Span<int> Length=1]");
        spans.Single(s => s.Process == "App.Refs.Describe").Inputs["value"].ShouldBe("<dynamic>");
        spans.Single(s => s.Process == "App.Refs.Size").Inputs["value"].ShouldBe("<T>");
    }

    [Test]
    public void Shapes_no_wrapper_can_stand_in_for_are_left_as_written()
    {
        // __arglist, a static abstract interface member (called as T.M()), a partial method without implementation
        // (the compiler removes its calls), a dynamically bound call and a method type parameter named like its type's.
        const string source = """
            using System;
            using Instrumentor;
            namespace App;
            public interface IParse<TSelf> where TSelf : IParse<TSelf> { [Monitor] static abstract TSelf Parse(string text); }
            public sealed class Number : IParse<Number> { public int Value; public static Number Parse(string text) => new Number { Value = int.Parse(text) }; }
            public static partial class Odd
            {
                [Monitor] public static int Count(int first, __arglist) => new ArgIterator(__arglist).GetRemainingCount() + first;
                [Monitor] static partial void Nothing(int x);
                [Monitor] public static int Twice(int x) => x * 2;
                public static T ParseAny<T>(string text) where T : IParse<T> => T.Parse(text);
                public static string Use()
                {
                    Nothing(1);
                    dynamic d = 4;
                    int twice = Twice(d);
                    return Count(1, __arglist(2, 3)) + ";" + ParseAny<Number>("5").Value + ";" + twice + ";" + new Box<int>().Same<int>(3);
                }
            }
            public class Box<T> { [Monitor] public int Same<T>(T value) => 3; }
            public static class Entry { public static string Run() => Odd.Use(); }
            """;

        GeneratorResult result = GeneratorHarness.Run(GeneratorHarness.Compile(source).AddReferences(MicrosoftCSharp));
        result.GeneratorDiagnostics.ShouldBeEmpty();
        result.Output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ShouldBeEmpty();
        result.GeneratedSource.ShouldBeNull("nothing here can be wrapped");
    }

    [Test]
    public void An_exception_thrown_through_a_wrapper_has_the_stack_trace_of_an_untraced_call()
    {
        const string source = """
            using System;
            using Instrumentor;
            namespace App;
            public class Work
            {
                [Monitor] public static int Fail(int x) => throw new InvalidOperationException("x" + x);
                [Monitor] private int Hidden(int x) => Fail(x);
                public int Run(int x) => Hidden(x);
                [Monitor] public static System.Collections.Generic.IEnumerable<int> Items() { yield return 1; throw new InvalidOperationException("items"); }
            }
            public static class Entry
            {
                public static string Run()
                {
                    string first, second;
                    try { new Work().Run(1); first = "no exception"; }
                    catch (InvalidOperationException e) { first = e.StackTrace!; }
                    try { foreach (int i in Work.Items()) { } second = "no exception"; }
                    catch (InvalidOperationException e) { second = e.StackTrace!; }
                    return first + "\n--\n" + second;
                }
            }
            """;

        GeneratorResult result = GeneratorHarness.Run(source);
        result.CompilationProblems.ShouldBeEmpty();
        string traced, untraced;
        using (TracingScope.Start())
        using (var sample = SampleAssembly.Load(result.Output))
        {
            traced = (string)sample.Invoke("App.Entry", "Run")!;
        }

        using (var sample = SampleAssembly.Load(result.Input))
        {
            untraced = (string)sample.Invoke("App.Entry", "Run")!;
        }

        traced.ShouldNotContain("Instrumentor");
        traced.ShouldNotContain("MonitorInterceptors");
        Frames(traced).ShouldBe(Frames(untraced));
    }

    private static MetadataReference MicrosoftCSharp { get; } =
        MetadataReference.CreateFromFile(typeof(Microsoft.CSharp.RuntimeBinder.Binder).Assembly.Location);

    /// <summary>The method of each frame, without file and line (the two builds differ only there).</summary>
    private static string[] Frames(string stackTrace) =>
        stackTrace.Split('\n').Select(line => line.Trim()).Select(line => line.Contains(" in ") ? line[..line.IndexOf(" in ", System.StringComparison.Ordinal)] : line).ToArray();

    private static IReadOnlyList<RecordedSpan> RunTraced(string source, string expected) => TracedRun.Run(source, expected);
}
