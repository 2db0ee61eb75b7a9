using System.Collections.Generic;
using System.Linq;
using Instrumentor.Generator.Tests.Infrastructure;
using Instrumentor.Testing;

namespace Instrumentor.Generator.Tests;

/// <summary>
/// A method with sample rate 0 gets a wrapper that, as a root, only sets the thread's frame (UnsampledSpan), and
/// runs the full wrapper inside a trace: what is recorded is what the full wrapper records in every case (nothing
/// for an unsampled trace but its failures, everything under a sampled parent).
/// </summary>
[NonParallelizable]
public class UnsampledRootTests
{
    private const string Source = """
        using System;
        using Instrumentor;

        namespace Rates;

        public static class Work
        {
            [Monitor] public static int Child(int n) => n;

            [Monitor(SampleRate = 0)] public static int Off(int n) => Child(n) + 1;

            [Monitor] public static int Parent(int n) => Off(n) * 2;

            [Monitor(SampleRate = 0)] public static int OffThrows(int n) => n > 0 ? throw new InvalidOperationException("off " + n) : n;

            [Monitor(SampleRate = 0)] public static int OffCallsThrowing(int n) => ChildThrows(n);

            [Monitor] public static int ChildThrows(int n) => throw new ArgumentException("child " + n);

            [Monitor(SampleRate = 0)] public static void OffVoid(ref int n) => n = Child(n) + 3;

            [Monitor(SampleRate = 0)] public static T OffGeneric<T>(T value) => value;
        }

        public static class Entry
        {
            public static int Off() => Work.Off(1);
            public static int Parent() => Work.Parent(2);
            public static string OffThrows() { try { return Work.OffThrows(3).ToString(); } catch (InvalidOperationException e) { return e.Message; } }
            public static string OffCallsThrowing() { try { return Work.OffCallsThrowing(4).ToString(); } catch (ArgumentException e) { return e.Message; } }
            public static int OffVoid() { int n = 5; Work.OffVoid(ref n); return n; }
            public static string OffGeneric() => Work.OffGeneric("six");
        }
        """;

    private GeneratorResult _result = null!;
    private SampleAssembly _sample = null!;

    [OneTimeSetUp]
    public void Generate()
    {
        _result = GeneratorHarness.Run(Source);
        _result.CompilationProblems.ShouldBeEmpty();
        _sample = SampleAssembly.Load(_result.Output);
    }

    [OneTimeTearDown]
    public void Unload() => _sample.Dispose();

    [Test]
    public void Methods_with_rate_zero_get_the_unsampled_root_path_in_front_of_the_full_wrapper()
    {
        string generated = _result.GeneratedSource!;
        generated.ShouldContain("UnsampledSpan.TryStart(out var __span)");
        generated.ShouldContain("Traced(");
        generated.Split("UnsampledSpan.TryStart(").Length.ShouldBe(6, "one per method with rate 0");
    }

    [Test]
    public void An_unsampled_root_records_nothing_and_its_children_follow_it()
    {
        IReadOnlyList<RecordedSpan> spans = Run("Off", out object? result);

        result.ShouldBe(2);
        spans.ShouldBeEmpty();
    }

    [Test]
    public void Under_a_sampled_parent_a_rate_zero_method_is_recorded_with_its_children()
    {
        IReadOnlyList<RecordedSpan> spans = Run("Parent", out object? result);

        result.ShouldBe(6);
        RecordedSpan parent = spans.Single(s => s.Process == "Rates.Work.Parent");
        RecordedSpan off = spans.Single(s => s.Process == "Rates.Work.Off");
        RecordedSpan child = spans.Single(s => s.Process == "Rates.Work.Child");
        off.ParentSpanId.ShouldBe(parent.SpanId);
        child.ParentSpanId.ShouldBe(off.SpanId);
        off.Result.ShouldBe("3");
        off.Inputs["n"].ShouldBe("2");
    }

    [Test]
    public void An_unsampled_root_that_fails_is_recorded_as_an_error_without_a_duration()
    {
        IReadOnlyList<RecordedSpan> spans = Run("OffThrows", out object? message);

        message.ShouldBe("off 3");
        RecordedSpan span = spans.Single();
        span.Process.ShouldBe("Rates.Work.OffThrows");
        span.Status.ShouldBe("ERR");
        span.ExceptionMessage.ShouldBe("off 3");
        span.DurationNs.ShouldBeNull();
        span.ParentSpanId.ShouldBeNull();
    }

    [Test]
    public void A_failing_child_of_an_unsampled_root_and_the_root_share_the_derived_trace()
    {
        IReadOnlyList<RecordedSpan> spans = Run("OffCallsThrowing", out object? message);

        message.ShouldBe("child 4");
        RecordedSpan root = spans.Single(s => s.Process == "Rates.Work.OffCallsThrowing");
        RecordedSpan child = spans.Single(s => s.Process == "Rates.Work.ChildThrows");
        root.Status.ShouldBe("ERR");
        child.Status.ShouldBe("ERR");
        child.ParentSpanId.ShouldBe(root.SpanId);
        child.TraceId.ShouldBe(root.TraceId);
    }

    [Test]
    public void Ref_parameters_and_generic_methods_behave_as_without_tracing()
    {
        Run("OffVoid", out object? n).ShouldBeEmpty();
        n.ShouldBe(8);
        Run("OffGeneric", out object? value).ShouldBeEmpty();
        value.ShouldBe("six");
    }

    private IReadOnlyList<RecordedSpan> Run(string entry, out object? result)
    {
        using TracingScope tracing = TracingScope.Start();
        result = _sample.Invoke("Rates.Entry", entry);
        return tracing.Flush();
    }
}
