using System.Collections.Generic;
using System.Linq;
using Instrumentor.Generator.Tests.Infrastructure;
using Instrumentor.Testing;

namespace Instrumentor.Generator.Tests;

/// <summary>Which methods are monitored: MonitorAll patterns, [TraceTime], sampling.</summary>
[NonParallelizable]
public class MonitorSelectionTests
{
    [Test]
    public void MonitorAll_instruments_methods_whose_names_match_include_and_not_exclude()
    {
        const string source = """
            using Instrumentor;
            [assembly: MonitorAll(Include = "^(Process|Calculate)", Exclude = "Helper", ProcessGroup = "trading")]
            namespace Auto;
            public static class Desk
            {
                public static int ProcessOrder(int id) => CalculateHelper(id) + CalculateRisk(id);
                public static int CalculateHelper(int id) => id;
                public static int CalculateRisk(int id) => 2 * id;
                public static int Other(int id) => id;
                [TraceTime] public static int Legacy(int id) => id;
            }
            public static class Entry
            {
                public static int Run() => Desk.ProcessOrder(1) + Desk.Other(1) + Desk.Legacy(1);
            }
            """;

        IReadOnlyList<RecordedSpan> spans = Run(source, "Auto.Entry", out object? result);

        result.ShouldBe(5);
        spans.Select(s => s.Process).OrderBy(p => p).ShouldBe(new[] { "Auto.Desk.CalculateRisk", "Auto.Desk.Legacy", "Auto.Desk.ProcessOrder" });
        spans.Where(s => s.Process != "Auto.Desk.Legacy").ShouldAllBe(s => s.ProcessGroup == "trading");
        spans.Single(s => s.Process == "Auto.Desk.Legacy").ProcessGroup.ShouldBe("legacy.time");
        RecordedSpan order = spans.Single(s => s.Process == "Auto.Desk.ProcessOrder");
        spans.Single(s => s.Process == "Auto.Desk.CalculateRisk").ParentSpanId.ShouldBe(order.SpanId);
    }

    [Test]
    public void Sampling_is_decided_at_the_root_at_the_site_rate_children_follow_and_errors_are_always_recorded()
    {
        const string source = """
            using System;
            using Instrumentor;
            namespace Sampled;
            public static class Work
            {
                [Monitor(SampleRate = 0.25)] public static int Root(int x) => Child(x);
                [Monitor(SampleRate = 0)] public static int Child(int x) => x;
                [Monitor(SampleRate = 0)] public static void Fails() => throw new InvalidOperationException("always recorded");
            }
            public static class Entry
            {
                public static int Run()
                {
                    int sum = 0;
                    for (int i = 0; i < 10_000; i++)
                    {
                        sum += Work.Root(1);
                    }

                    for (int i = 0; i < 10; i++)
                    {
                        try { Work.Fails(); } catch (InvalidOperationException) { sum++; }
                    }

                    return sum;
                }
            }
            """;

        ThreadTraceState.SeedCurrentThread(12345);
        IReadOnlyList<RecordedSpan> spans = Run(source, "Sampled.Entry", out object? result);

        result.ShouldBe(10_010);
        RecordedSpan[] roots = spans.Where(s => s.Process == "Sampled.Work.Root").ToArray();
        // Binomial(10,000, 0.25): mean 2,500, standard deviation 43; the seed is fixed, the bound is 5 sigma.
        roots.Length.ShouldBeInRange(2_285, 2_715);
        var rootIds = roots.Select(r => r.SpanId).ToHashSet();
        RecordedSpan[] children = spans.Where(s => s.Process == "Sampled.Work.Child").ToArray();
        children.Length.ShouldBe(roots.Length, "a child of a sampled root is sampled, whatever its own rate");
        children.ShouldAllBe(c => c.ParentSpanId != null && rootIds.Contains(c.ParentSpanId));
        RecordedSpan[] errors = spans.Where(s => s.Process == "Sampled.Work.Fails").ToArray();
        errors.Length.ShouldBe(10);
        errors.ShouldAllBe(e => e.Status == "ERR" && e.DurationNs == null && e.ExceptionMessage == "always recorded");
    }

    private static IReadOnlyList<RecordedSpan> Run(string source, string entryType, out object? result)
    {
        GeneratorResult generated = GeneratorHarness.Run(source);
        generated.CompilationProblems.ShouldBeEmpty();
        using TracingScope tracing = TracingScope.Start();
        using var sample = SampleAssembly.Load(generated.Output);
        result = sample.Invoke(entryType, "Run");
        return tracing.Flush();
    }
}
