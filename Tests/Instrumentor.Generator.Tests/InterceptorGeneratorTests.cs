using System.Collections.Generic;
using System.Linq;
using Instrumentor.Generator.Tests.Infrastructure;
using Instrumentor.Testing;
using Microsoft.CodeAnalysis;

namespace Instrumentor.Generator.Tests;

[NonParallelizable]
public class InterceptorGeneratorTests
{
    private const string ExpectedLog = "5;20;2;boomTrue;9;hi;later;21;True42;";

    [Test]
    public void Every_call_site_of_a_monitored_method_is_intercepted()
    {
        GeneratorResult result = GeneratorHarness.Run(Samples.Calculator);

        result.GeneratorDiagnostics.ShouldBeEmpty();
        string source = result.GeneratedSource.ShouldNotBeNull();
        // Add is called from Entry.Run, AddLaterAsync and OuterAsync; Multiply twice from SumOfProducts.
        CountLocations(source, "Add").ShouldBe(3);
        CountLocations(source, "Multiply").ShouldBe(2);
        source.Split("[global::System.Runtime.CompilerServices.InterceptsLocation(").Length.ShouldBe(1 + 14);
    }

    [Test]
    public void Generated_code_compiles_without_warnings()
    {
        GeneratorResult result = GeneratorHarness.Run(Samples.Calculator);

        result.CompilationProblems.ShouldBeEmpty();
    }

    [Test]
    public void Capturing_a_count_or_length_leaves_non_nullable_arguments_non_nullable()
    {
        // Found by Samples/AotConsole: `lines?.Count` made the compiler treat `lines` as maybe-null, and passing it
        // to the target warned (CS8604), which TreatWarningsAsErrors turns into a broken build.
        const string source = """
            using System.Collections.Generic;
            using System.Threading.Tasks;
            using Instrumentor;
            namespace App;
            public static class Lines
            {
                [Monitor] public static int Count(List<string> lines, int[] weights, string[] @class) => lines.Count + weights.Length + @class.Length;
                [Monitor] public static Task<List<int>> LoadAsync(List<int> seed) => Task.FromResult(seed);
                [Monitor] public static int[] Copy(int[] source) => source;
                public static async Task<int> Use() => Count(["a"], [1], ["c"]) + (await LoadAsync([1])).Count + Copy([2]).Length;
            }
            """;

        GeneratorResult result = GeneratorHarness.Run(source);

        result.GeneratorDiagnostics.ShouldBeEmpty();
        result.GeneratedSource.ShouldNotBeNull().ShouldContain("FromCount(");
        result.CompilationProblems.ShouldBeEmpty();
    }

    [Test]
    public void Tracing_does_not_change_results_exceptions_or_side_effects()
    {
        string withGenerator;
        using (TracingScope.Start())
        using (var sample = SampleAssembly.Load(GeneratorHarness.Run(Samples.Calculator).Output))
        {
            withGenerator = (string)sample.Invoke("Sample.Entry", "Run")!;
        }

        string without;
        using (var sample = SampleAssembly.Load(GeneratorHarness.Compile(Samples.Calculator)))
        {
            without = (string)sample.Invoke("Sample.Entry", "Run")!;
        }

        withGenerator.ShouldBe(ExpectedLog);
        without.ShouldBe(ExpectedLog);
    }

    [Test]
    public void Sync_calls_record_arguments_result_and_nesting()
    {
        IReadOnlyList<RecordedSpan> spans = RunCalculator();

        RecordedSpan add = spans.First(s => s.Process == "Sample.Calculator.Add" && s.Inputs["a"] == "2");
        add.Inputs["b"].ShouldBe("3");
        add.Result.ShouldBe("5");
        add.Status.ShouldBe("OK");
        add.ParentSpanId.ShouldBeNull();
        add.DurationNs.ShouldNotBeNull().ShouldBeGreaterThan(0);

        RecordedSpan sum = spans.Single(s => s.Process == "Sample.Calculator.SumOfProducts");
        RecordedSpan[] children = spans.Where(s => s.Process == "Sample.Calculator.Multiply").ToArray();
        children.Length.ShouldBe(2);
        children.ShouldAllBe(c => c.ParentSpanId == sum.SpanId && c.TraceId == sum.TraceId && c.ProcessGroup == "math");
        children.Select(c => c.SpanId).Distinct().Count().ShouldBe(2);
    }

    [Test]
    public void A_thrown_exception_is_recorded_as_ERR_and_rethrown_unchanged()
    {
        IReadOnlyList<RecordedSpan> spans = RunCalculator();

        RecordedSpan fail = spans.Single(s => s.Process == "Sample.Calculator.Fail");
        fail.Status.ShouldBe("ERR");
        fail.ExceptionType.ShouldBe("System.InvalidOperationException");
        fail.ExceptionMessage.ShouldBe("boom");
        fail.Inputs["reason"].ShouldBe("boom");
        fail.DurationNs.ShouldNotBeNull();
    }

    [Test]
    public void Async_spans_end_at_completion_and_keep_their_children_across_await()
    {
        IReadOnlyList<RecordedSpan> spans = RunCalculator();

        RecordedSpan outer = spans.Single(s => s.Process == "Sample.Calculator.OuterAsync");
        RecordedSpan inner = spans.Single(s => s.Process == "Sample.Calculator.AddLaterAsync" && s.ParentSpanId == outer.SpanId);
        inner.TraceId.ShouldBe(outer.TraceId);
        inner.Result.ShouldBe("3");
        spans.Single(s => s.Process == "Sample.Calculator.Add" && s.ParentSpanId == inner.SpanId).Inputs["a"].ShouldBe("1");
        spans.Single(s => s.Process == "Sample.Calculator.Add" && s.Inputs["a"] == "3").ParentSpanId.ShouldBe(outer.SpanId);
        // The outer span lasts at least as long as the awaited Task.Delay(1) plus its child.
        outer.DurationNs.ShouldNotBeNull().ShouldBeGreaterThanOrEqualTo(inner.DurationNs.ShouldNotBeNull());

        RecordedSpan failed = spans.Single(s => s.Process == "Sample.Calculator.FailLaterAsync");
        failed.Status.ShouldBe("ERR");
        failed.ExceptionType.ShouldBe("System.ArgumentException");

        RecordedSpan echo = spans.Single(s => s.Process == "Sample.Calculator.EchoAsync");
        echo.Result.ShouldBe("hi");
    }

    [Test]
    public void Ref_arguments_are_captured_at_entry_and_out_arguments_are_not_captured()
    {
        IReadOnlyList<RecordedSpan> spans = RunCalculator();

        RecordedSpan swap = spans.Single(s => s.Process == "Sample.Calculator.Swap");
        swap.Inputs["x"].ShouldBe("1");
        swap.Inputs["y"].ShouldBe("2");
        RecordedSpan parse = spans.Single(s => s.Process == "Sample.Calculator.TryParse");
        parse.Inputs.Keys.ShouldBe(new[] { "text" });
        parse.Result.ShouldBe("true");
    }

    [Test]
    public void Monitor_on_a_target_that_cannot_be_intercepted_does_not_break_the_build()
    {
        const string source = """
            using Instrumentor;
            public class Odd
            {
                [Monitor] ~Odd() { }
                [Monitor] public static Odd operator +(Odd a, Odd b) => a;
                public int Value { [Monitor] get => 1; }
                public int Use()
                {
                    var o = new Odd() + new Odd();
                    [Monitor] int Local() => 2;
                    return o.Value + Local();
                }
            }
            """;

        GeneratorResult result = GeneratorHarness.Run(source);

        result.GeneratorDiagnostics.ShouldBeEmpty();
        result.Output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ShouldBeEmpty();
        result.GeneratedSource.ShouldBeNull();
    }

    [Test]
    public void A_call_inside_an_expression_tree_or_a_base_call_is_left_alone()
    {
        const string source = """
            using System;
            using System.Linq.Expressions;
            using Instrumentor;
            public class Base { [Monitor] public virtual int Get() => 1; }
            public class Derived : Base
            {
                public override int Get() => base.Get() + 1;
                public Expression<Func<int>> Tree() => () => new Base().Get();
            }
            """;

        GeneratorResult result = GeneratorHarness.Run(source);

        result.GeneratedSource.ShouldBeNull();
        result.Output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ShouldBeEmpty();
    }

    private static IReadOnlyList<RecordedSpan> RunCalculator()
    {
        using TracingScope tracing = TracingScope.Start();
        using var sample = SampleAssembly.Load(GeneratorHarness.Run(Samples.Calculator).Output);
        sample.Invoke("Sample.Entry", "Run").ShouldBe(ExpectedLog);
        IReadOnlyList<RecordedSpan> spans = tracing.Flush();
        spans.Count.ShouldBe(15);
        return spans;
    }

    private static int CountLocations(string source, string method)
    {
        string[] lines = source.Split('\n');
        var signaturePattern = new System.Text.RegularExpressions.Regex($@"public static .* {method}\d+\(");
        int signature = System.Array.FindIndex(lines, l => signaturePattern.IsMatch(l));
        int count = 0;
        int last = signature - 1;
        while (lines[last].TrimStart().StartsWith("[global::System.Diagnostics.", System.StringComparison.Ordinal))
        {
            last--;
        }

        for (int i = last; i >= 0 && lines[i].Contains("InterceptsLocation("); i--)
        {
            count++;
        }

        return count;
    }
}
