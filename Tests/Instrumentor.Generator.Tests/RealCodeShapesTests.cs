using System.Collections.Generic;
using System.Linq;
using Instrumentor.Generator.Tests.Infrastructure;
using Instrumentor.Testing;

namespace Instrumentor.Generator.Tests;

/// <summary>
/// Shapes found by monitoring every method of real libraries (docs/architecture.md, "Tried on real code"): each
/// broke the build in the generated file, and each is compiled here without a warning, traced, and run.
/// </summary>
[NonParallelizable]
public class RealCodeShapesTests
{
    private const string ObsoleteSource = """
        #pragma warning disable CS0612, CS0618
        using System;
        using Instrumentor;

        namespace Real;

        public static class Legacy
        {
            [Monitor, Obsolete("use New")] public static int Old(int x) => x + 1;
            [Monitor, Obsolete("gone", true)] public static int Gone(int x) => x * 2;
        }

        [Obsolete("the whole type is old")]
        public class OldType
        {
            [Monitor] public int Twice(int x) => 2 * x;
        }

        public static class Uses
        {
            [Monitor] public static int Size(OldType? old) => old is null ? 0 : 1;
        }

        public static class Entry
        {
            public static string Run() => $"{Legacy.Old(1)} {new OldType().Twice(3)} {Uses.Size(null)} {Ancient()}";

            [Obsolete] private static int Ancient() => Legacy.Gone(4);
        }
        """;

    // Markdig's Descendants<T>(MarkdownObject) beside Descendants(MarkdownObject): a wrapper that let the compiler
    // infer the call picked the non-generic overload, a CS0266 there and a silently wrong call where types agree.
    private const string OverloadSource = """
        using System.Collections.Generic;
        using System.Linq;
        using Instrumentor;

        namespace Real;

        public static class Finder
        {
            [Monitor] public static string Find(object o) => "plain";
            [Monitor] public static string Find<T>(object o) => "generic " + typeof(T).Name;
            [Monitor] public static IEnumerable<object> All(object o) => new[] { o };
            [Monitor] public static IEnumerable<T> All<T>(object o) => new[] { (T)o };
        }

        public static class Entry
        {
            public static string Run() => $"{Finder.Find(1)} {Finder.Find<int>(1)} {Finder.All(2).Count()} {Finder.All<string>("s").Single()}";
        }
        """;

    // Markdig's LinkHelper.TryParseTitle<T>(ref T text, ...) where T : ICharIterator calls text.NextChar() on its
    // struct iterators: a wrapper taking the interface boxed the struct, the position never moved, and 157 of Markdig's
    // tests failed (link reference definitions and titles not parsed).
    private const string ConstrainedSource = """
        using Instrumentor;

        namespace Real;

        public interface ICursor
        {
            [Monitor] char Next();
        }

        public struct Cursor : ICursor
        {
            private readonly string _text;
            private int _at;
            public Cursor(string text) { _text = text; _at = -1; }
            public char Next() => ++_at < _text.Length ? _text[_at] : '\0';
        }

        public sealed class BoxCursor : ICursor
        {
            private int _at;
            public char Next() => (char)('a' + _at++);
        }

        public static class Parsing
        {
            public static string Take<T>(ref T cursor, int count) where T : ICursor
            {
                var taken = "";
                for (int i = 0; i < count; i++) taken += cursor.Next();
                return taken;
            }

            public static string TakeFromClass<T>(T cursor) where T : class, ICursor => cursor.Next().ToString() + cursor.Next();
        }

        public static class Entry
        {
            public static string Run()
            {
                var cursor = new Cursor("title");
                string first = Parsing.Take(ref cursor, 2);
                string rest = Parsing.Take(ref cursor, 3);
                ICursor boxed = new Cursor("xy");
                return $"{first} {rest} {boxed.Next()}{boxed.Next()} {Parsing.TakeFromClass(new BoxCursor())}";
            }
        }
        """;

    [Test]
    public void A_call_on_a_struct_of_a_type_parameter_is_left_as_written_so_the_structs_mutations_stick()
    {
        GeneratorResult result = GeneratorHarness.Run(ConstrainedSource);

        result.CompilationProblems.ShouldBeEmpty();
        IReadOnlyList<RecordedSpan> spans;
        using (TracingScope tracing = TracingScope.Start())
        {
            using var sample = SampleAssembly.Load(result.Output);
            sample.Invoke("Real.Entry", "Run").ShouldBe("ti tle xy ab");
            spans = tracing.Flush();
        }

        // Traced: the calls through the interface variable and on the T known to be a class (no boxing there).
        spans.Count(s => s.Process == "Real.ICursor.Next").ShouldBe(4);
    }

    [Test]
    public void A_generic_wrapper_calls_the_generic_overload_not_a_non_generic_one_with_the_same_parameters()
    {
        GeneratorResult result = GeneratorHarness.Run(OverloadSource);

        result.CompilationProblems.ShouldBeEmpty();
        IReadOnlyList<RecordedSpan> spans;
        using (TracingScope tracing = TracingScope.Start())
        {
            using var sample = SampleAssembly.Load(result.Output);
            sample.Invoke("Real.Entry", "Run").ShouldBe("plain generic Int32 1 s");
            spans = tracing.Flush();
        }

        spans.Count(s => s.Process.StartsWith("Real.Finder.", System.StringComparison.Ordinal)).ShouldBe(4);
    }

    [Test]
    public void Wrappers_of_obsolete_members_compile_without_a_warning_and_are_traced()
    {
        GeneratorResult result = GeneratorHarness.Run(ObsoleteSource);

        result.CompilationProblems.ShouldBeEmpty();
        IReadOnlyList<RecordedSpan> spans;
        using (TracingScope tracing = TracingScope.Start())
        {
            using var sample = SampleAssembly.Load(result.Output);
            sample.Invoke("Real.Entry", "Run").ShouldBe("2 6 0 8");
            spans = tracing.Flush();
        }

        spans.Select(s => s.Process).Order().ShouldBe(new[] { "Real.Legacy.Gone", "Real.Legacy.Old", "Real.OldType.Twice", "Real.Uses.Size" });
    }
}
