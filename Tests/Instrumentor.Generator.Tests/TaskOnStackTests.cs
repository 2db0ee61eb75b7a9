using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using Instrumentor.Generator.Tests.Infrastructure;
using Instrumentor.Testing;

namespace Instrumentor.Generator.Tests;

/// <summary>
/// A task-returning method whose body awaits nothing, starts nothing and makes its task without calling anything
/// that could run code later is traced with the stack span (no span object, nothing published in the
/// ExecutionContext); every other task-returning method keeps the async span, so that whatever runs after it
/// returned still nests under it.
/// </summary>
[NonParallelizable]
public class TaskOnStackTests
{
    private const string Source = """
        using System;
        using System.Threading.Tasks;
        using Instrumentor;

        namespace Tasks;

        public static class Work
        {
            [Monitor] public static int Child(int n) => n;

            [Monitor] public static Task<int> Completed(int n) => Task.FromResult(Child(n) + 1);

            [Monitor] public static ValueTask<int> ValueCompleted(int n) => new ValueTask<int>(Child(n) + 2);

            [Monitor] public static Task Done() => Task.CompletedTask;

            [Monitor] public static Task<int> Faulted(int n) => Task.FromException<int>(new InvalidOperationException("faulted " + n));

            [Monitor(SampleRate = 0)] public static Task<int> FaultedUnsampled(int n) => Task.FromException<int>(new InvalidOperationException("unsampled " + n));

            [Monitor] public static Task<int> Pending(TaskCompletionSource<int> source) => source.Task;

            [Monitor(SampleRate = 0)] public static Task<int> PendingUnsampled(TaskCompletionSource<int> source) => source.Task;

            [Monitor] public static Task<int> PassThrough(int n) => Later(n);

            [Monitor] public static async Task<int> Awaiting(int n) { await Task.Yield(); return Child(n); }

            [Monitor] public static Task<int> Spawning(int n) => Task.Run(() => Child(n));

            private static async Task<int> Later(int n) { await Task.Yield(); return Child(n); }
        }

        public static class Entry
        {
            public static int Completed() => Work.Completed(1).Result;
            public static int ValueCompleted() => Work.ValueCompleted(2).Result;
            public static void Done() => Work.Done().Wait();
            public static bool Faulted() => Work.Faulted(3).IsFaulted;
            public static bool FaultedUnsampled() => Work.FaultedUnsampled(4).IsFaulted;

            public static int Pending()
            {
                var source = new TaskCompletionSource<int>();
                Task<int> task = Work.Pending(source);
                source.SetResult(5);
                return task.Result;
            }

            public static bool PendingFails()
            {
                var source = new TaskCompletionSource<int>();
                Task<int> task = Work.Pending(source);
                source.SetException(new TimeoutException("late"));
                return task.IsFaulted;
            }

            public static bool PendingUnsampledFails()
            {
                var source = new TaskCompletionSource<int>();
                Task<int> task = Work.PendingUnsampled(source);
                source.SetException(new TimeoutException("late, unsampled"));
                return task.IsFaulted;
            }

            public static int PassThrough() => Work.PassThrough(6).Result;
            public static int Awaiting() => Work.Awaiting(7).Result;
            public static int Spawning() => Work.Spawning(8).Result;
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

    [TestCase("Completed")]
    [TestCase("ValueCompleted")]
    [TestCase("Done")]
    [TestCase("Faulted")]
    [TestCase("Pending")]
    public void A_task_made_without_running_code_later_uses_the_stack_span(string method) =>
        SpanOf(method).ShouldBe("SyncSpan");

    [TestCase("PassThrough")]
    [TestCase("Awaiting")]
    [TestCase("Spawning")]
    public void A_task_whose_code_may_run_later_keeps_the_async_span(string method) =>
        SpanOf(method).ShouldBe("AsyncSpan");

    [Test]
    public void A_completed_task_is_recorded_with_its_result_and_its_children()
    {
        IReadOnlyList<RecordedSpan> spans = Run("Completed", out object? result);

        result.ShouldBe(2);
        RecordedSpan call = spans.Single(s => s.Process == "Tasks.Work.Completed");
        call.Status.ShouldBe("OK");
        call.Result.ShouldBe("2");
        call.DurationNs.ShouldNotBeNull();
        spans.Single(s => s.Process == "Tasks.Work.Child").ParentSpanId.ShouldBe(call.SpanId);
    }

    [Test]
    public void A_completed_value_task_is_recorded_with_its_result()
    {
        IReadOnlyList<RecordedSpan> spans = Run("ValueCompleted", out object? result);

        result.ShouldBe(4);
        spans.Single(s => s.Process == "Tasks.Work.ValueCompleted").Result.ShouldBe("4");
    }

    [Test]
    public void A_completed_non_generic_task_is_recorded()
    {
        IReadOnlyList<RecordedSpan> spans = Run("Done", out _);

        spans.Single(s => s.Process == "Tasks.Work.Done").Status.ShouldBe("OK");
    }

    [TestCase("Faulted", "Tasks.Work.Faulted", "faulted 3")]
    [TestCase("FaultedUnsampled", "Tasks.Work.FaultedUnsampled", "unsampled 4")]
    public void A_task_that_failed_before_returning_is_recorded_as_an_error_sampled_or_not(string entry, string process, string message)
    {
        IReadOnlyList<RecordedSpan> spans = Run(entry, out object? faulted);

        faulted.ShouldBe(true);
        RecordedSpan call = spans.Single(s => s.Process == process);
        call.Status.ShouldBe("ERR");
        call.ExceptionType.ShouldBe("System.InvalidOperationException");
        call.ExceptionMessage.ShouldBe(message);
    }

    [Test]
    public void A_pending_task_is_recorded_when_it_completes_with_its_result()
    {
        IReadOnlyList<RecordedSpan> spans = Run("Pending", out object? result);

        result.ShouldBe(5);
        RecordedSpan call = spans.Single(s => s.Process == "Tasks.Work.Pending");
        call.Status.ShouldBe("OK");
        call.Result.ShouldBe("5");
    }

    [TestCase("PendingFails", "late")]
    [TestCase("PendingUnsampledFails", "late, unsampled")]
    public void A_pending_task_that_fails_later_is_recorded_as_an_error_sampled_or_not(string entry, string message)
    {
        IReadOnlyList<RecordedSpan> spans = Run(entry, out object? faulted);

        faulted.ShouldBe(true);
        RecordedSpan call = spans.Single(s => s.Status == "ERR");
        call.ExceptionType.ShouldBe("System.TimeoutException");
        call.ExceptionMessage.ShouldBe(message);
        call.SpanId.ShouldNotBe("0000000000000000");
    }

    [Test]
    public void Code_that_runs_after_a_pass_through_call_returned_still_nests_under_it()
    {
        IReadOnlyList<RecordedSpan> spans = Run("PassThrough", out object? result);

        result.ShouldBe(6);
        spans.Single(s => s.Process == "Tasks.Work.Child").ParentSpanId
            .ShouldBe(spans.Single(s => s.Process == "Tasks.Work.PassThrough").SpanId);
    }

    private IReadOnlyList<RecordedSpan> Run(string entry, out object? result)
    {
        using TracingScope tracing = TracingScope.Start();
        result = _sample.Invoke("Tasks.Entry", entry);
        return tracing.Flush();
    }

    /// <summary>Which span type the wrapper of <c>Tasks.Work.<paramref name="method"/></c> uses.</summary>
    private string SpanOf(string method)
    {
        string generated = _result.GeneratedSource!;
        Match site = Regex.Match(generated, @"(s_site\d+) = new [^(]+\(\s*""Tasks\.Work\." + method + @"""");
        site.Success.ShouldBeTrue($"a site for {method}");
        return Regex.Match(generated, @"\.(SyncSpan|AsyncSpan)\.\w+\(" + site.Groups[1].Value + @"\b").Groups[1].Value;
    }
}
