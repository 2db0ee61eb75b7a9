using System.Collections.Generic;
using System.Linq;
using Instrumentor.Generator.Tests.Infrastructure;
using Instrumentor.Testing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Instrumentor.Generator.Tests;

/// <summary>
/// A call whose static target is an interface or virtual method is traced when the receiver runs a monitored
/// implementation or override of this compilation, and dispatches exactly as written otherwise.
/// </summary>
[NonParallelizable]
public class DispatchTests
{
    private static IReadOnlyList<RecordedSpan>? s_spans;
    private static string? s_generated;

    [OneTimeSetUp]
    public void RunOnce()
    {
        GeneratorResult result = GeneratorHarness.Run(DispatchSample.Source);
        result.CompilationProblems.ShouldBeEmpty();
        s_generated = result.GeneratedSource;
        using TracingScope tracing = TracingScope.Start();
        using var sample = SampleAssembly.Load(result.Output);
        sample.Invoke("Disp.Entry", "Run").ShouldBe(DispatchSample.ExpectedLog);
        s_spans = tracing.Flush();
    }

    [Test]
    public void The_same_code_without_the_generator_behaves_identically()
    {
        using var sample = SampleAssembly.Load(GeneratorHarness.Compile(DispatchSample.Source));
        sample.Invoke("Disp.Entry", "Run").ShouldBe(DispatchSample.ExpectedLog);
    }

    [Test]
    public void A_call_through_an_interface_is_traced_as_the_monitored_implementation()
    {
        RecordedSpan place = Single("Disp.Orders.PlaceAsync");
        place.Inputs["id"].ShouldBe("3");
        place.Inputs["user"].ShouldBe("ann");
        place.Result.ShouldBe("6");
    }

    [Test]
    public void A_receiver_of_an_unmonitored_implementation_is_not_traced() =>
        s_spans!.ShouldNotContain(s => s.Inputs.Values.Contains("bob"));

    [Test]
    public void An_override_is_traced_for_its_type_and_for_subclasses_that_inherit_it_but_not_for_one_that_overrides_it()
    {
        Spans("Disp.Square.Area").Length.ShouldBe(2, "Square and BigSquare run Square.Area; OddSquare and Circle do not");
        Single("Disp.Square.Name").Result.ShouldBe("square");
    }

    [Test]
    public void An_explicit_interface_implementation_is_traced() =>
        Single("Disp.FixedClock.Disp.IClock.Now").Result.ShouldBe("42");

    [Test]
    public void A_generic_interface_implemented_for_one_type_argument_is_traced_with_its_parameter_names()
    {
        Single("Disp.UserRepo.Add").Inputs["user"].ShouldBe("carol");
        Single("Disp.Store<T>.Add").Inputs["item"].ShouldBe("s");
    }

    [Test]
    public void A_struct_implementation_is_traced_and_its_box_keeps_its_mutations() =>
        Spans("Disp.Counter.Next").Select(s => s.Result).ShouldBe(new[] { "1", "2" });

    [Test]
    public void Monitor_on_the_interface_method_wins_over_the_implementation()
    {
        Single("Disp.IGreeter.Greet").Result.ShouldBe("hi x");
        Spans("greeter.impl").ShouldBeEmpty();
    }

    [Test]
    public void A_subclass_that_cannot_be_named_in_generated_code_switches_to_exact_type_tests()
    {
        Spans("Disp.PrintJob.Run").Length.ShouldBe(2, "PrintJob and LoudJob run PrintJob.Run; QuietJob<int> does not");
        s_generated.ShouldNotBeNull().ShouldContain("__instance.GetType() == typeof(global::Disp.LoudJob)");
    }

    [Test]
    public void Interface_calls_with_no_monitored_implementation_are_left_alone()
    {
        const string source = """
            namespace App;
            public interface IClock { long Now(); }
            public sealed class Clock : IClock { public long Now() => 1; }
            public static class Use { public static long Run(IClock clock) => clock.Now(); }
            """;

        GeneratorHarness.Run(source).GeneratedSource.ShouldBeNull();
    }

    [Test]
    public void The_traced_branch_starts_its_span_as_the_implementation_s_body_needs()
    {
        // The static target (an interface method) has no body: the traced branch used to take the flowing start always
        // (an AsyncLocal write per call). It now takes what an ordinary wrapper of the implementation would: flowing
        // only when that body starts work elsewhere, so the work still nests under the span.
        const string source = """
            using System.Threading.Tasks;
            using Instrumentor;
            namespace App;
            public interface IWork { int Plain(int x); int Spawn(int x); }
            public sealed class Work : IWork
            {
                [Monitor] public int Plain(int x) => x + 1;
                [Monitor] public int Spawn(int x) => Task.Run(() => Helper.Child(x)).Result;
            }
            public static class Helper { [Monitor] public static int Child(int x) => x * 2; }
            public static class Entry
            {
                public static string Run() { IWork work = new Work(); return work.Plain(1) + ";" + work.Spawn(2); }
            }
            """;

        GeneratorResult result = GeneratorHarness.Run(source);
        result.CompilationProblems.ShouldBeEmpty(result.GeneratedSource);
        string generated = result.GeneratedSource!;
        StartOf(generated, "App.Work.Plain").ShouldBe("Start");
        StartOf(generated, "App.Work.Spawn").ShouldBe("StartFlowing");
        using TracingScope tracing = TracingScope.Start();
        using (var sample = SampleAssembly.Load(result.Output))
        {
            sample.Invoke("App.Entry", "Run").ShouldBe("2;4");
        }

        IReadOnlyList<RecordedSpan> spans = tracing.Flush();
        RecordedSpan spawn = spans.Single(s => s.Process == "App.Work.Spawn");
        spans.Single(s => s.Process == "App.Helper.Child").ParentSpanId.ShouldBe(spawn.SpanId, "the task's work nests under the span");
        spans.ShouldContain(s => s.Process == "App.Work.Plain");
    }

    /// <summary>How the wrapper carrying the descriptor of <paramref name="process"/> starts its span.</summary>
    private static string StartOf(string generated, string process)
    {
        string[] lines = generated.Split('\n');
        int descriptor = System.Array.FindIndex(lines, l => l.Contains("\"" + process + "\""));
        descriptor.ShouldBeGreaterThan(0, process + " has no descriptor");
        string site = System.Text.RegularExpressions.Regex.Match(lines[descriptor - 1], @"(s_site\d+) = ").Groups[1].Value;
        string start = lines.Single(l => l.Contains("(" + site + ", out var __span)"));
        return System.Text.RegularExpressions.Regex.Match(start, @"SyncSpan\.(\w+)\(").Groups[1].Value;
    }

    [Test]
    public void Every_signature_shape_of_an_interface_method_compiles_and_runs_traced()
    {
        const string source = """
            using System.Collections.Generic;
            using System.Threading.Tasks;
            using Instrumentor;
            namespace App;
            public interface IShapes
            {
                void Log(string message);
                ref int Slot(int i);
                bool TryGet(int key, out string value);
                void Bump(ref int counter);
                T Echo<T>(T value) where T : notnull;
                ValueTask<int> CountAsync(int n);
                IEnumerable<int> Range(int n);
                int Twice(int x) => x * 2;
            }
            [Monitor]
            public sealed class Impl : IShapes
            {
                private readonly int[] _slots = new int[2];
                public void Log(string message) { }
                public ref int Slot(int i) => ref _slots[i];
                public bool TryGet(int key, out string value) { value = key.ToString(); return true; }
                public void Bump(ref int counter) => counter++;
                public T Echo<T>(T value) where T : notnull => value;
                public async ValueTask<int> CountAsync(int n) { await Task.Yield(); return n; }
                public IEnumerable<int> Range(int n) { for (int i = 0; i < n; i++) yield return i; }
                public int Twice(int x) => x * 3;
            }
            public static class Entry
            {
                public static string Run()
                {
                    IShapes shapes = new Impl();
                    shapes.Log("m");
                    shapes.Slot(1) = 5;
                    shapes.TryGet(7, out string value);
                    int counter = 1;
                    shapes.Bump(ref counter);
                    int sum = 0;
                    foreach (int i in shapes.Range(3)) sum += i;
                    return string.Join(",", shapes.Slot(1), value, counter, shapes.Echo("e"), shapes.CountAsync(4).AsTask().Result, sum, shapes.Twice(2));
                }
            }
            """;
        GeneratorResult result = GeneratorHarness.Run(source);
        result.CompilationProblems.ShouldBeEmpty();

        using TracingScope tracing = TracingScope.Start();
        using var sample = SampleAssembly.Load(result.Output);
        sample.Invoke("App.Entry", "Run").ShouldBe("5,7,2,e,4,3,6");
        tracing.Flush().Select(s => s.Process).Distinct().OrderBy(p => p, System.StringComparer.Ordinal).ShouldBe(new[]
        {
            "App.Impl.Bump", "App.Impl.CountAsync", "App.Impl.Echo", "App.Impl.Log", "App.Impl.Range", "App.Impl.Slot", "App.Impl.TryGet", "App.Impl.Twice",
        });
    }

    [Test]
    public void Emitted_code() =>
        Snapshot.Verify(s_generated!, "Dispatch");

    [Test]
    public void An_unrelated_edit_leaves_dispatch_call_sites_cached()
    {
        CSharpCompilation compilation = GeneratorHarness.Compile(DispatchSample.Source, "namespace Other; public static class U { public static int V() => 1; }");
        GeneratorDriver driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);
        SyntaxTree unrelated = compilation.SyntaxTrees.Last();
        CSharpCompilation edited = compilation.ReplaceSyntaxTree(unrelated, CSharpSyntaxTree.ParseText(
            "namespace Other; public static class U { public static int V() => 2; }", GeneratorHarness.ParseOptions, unrelated.FilePath));

        GeneratorRunResult run = driver.RunGenerators(edited).GetRunResult().Results.Single();

        run.TrackedSteps[TrackingNames.CallSites].SelectMany(s => s.Outputs)
            .ShouldAllBe(o => o.Reason == IncrementalStepRunReason.Cached || o.Reason == IncrementalStepRunReason.Unchanged);
        run.TrackedSteps[TrackingNames.Interceptors].SelectMany(s => s.Outputs)
            .ShouldAllBe(o => o.Reason == IncrementalStepRunReason.Cached || o.Reason == IncrementalStepRunReason.Unchanged);
    }

    private static RecordedSpan Single(string process) => Spans(process).ShouldHaveSingleItem();

    private static RecordedSpan[] Spans(string process) => s_spans!.Where(s => s.Process == process).ToArray();
}
