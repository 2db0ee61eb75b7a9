using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using Instrumentor.Generator.Tests.Infrastructure;
using Instrumentor.Testing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Instrumentor.Generator.Tests;

/// <summary>
/// DESIGN.md §3 item 8, end to end through the generator: work started inside a monitored call, by any of the ways
/// .NET starts work elsewhere, nests under it; and only the wrappers of bodies that can start such work pay for
/// publishing the span in the ExecutionContext.
/// </summary>
[NonParallelizable]
public class ContextFlowTests
{
    private const string Source = """
        using System;
        using System.Linq;
        using System.Threading;
        using System.Threading.Tasks;
        using Instrumentor;

        namespace Flow;

        public static class Work
        {
            // A finite wait never runs the task inline on the waiting thread (Wait() may): the work runs elsewhere.
            private const int Patience = 60_000;

            [Monitor] public static int Child(int n) => n;

            // Iterations on the calling thread wait (bounded) until one ran on another thread, so both kinds occur.
            [Monitor]
            public static void ParallelFor()
            {
                using var elsewhere = new ManualResetEventSlim();
                int caller = Environment.CurrentManagedThreadId;
                Parallel.For(0, 8, i => Iteration(i, caller, elsewhere));
            }

            [Monitor]
            public static void ParallelForEach()
            {
                using var elsewhere = new ManualResetEventSlim();
                int caller = Environment.CurrentManagedThreadId;
                Parallel.ForEach(Enumerable.Range(10, 4), i => Iteration(i, caller, elsewhere));
            }

            private static void Iteration(int i, int caller, ManualResetEventSlim elsewhere)
            {
                Child(i);
                if (Environment.CurrentManagedThreadId != caller) elsewhere.Set(); else elsewhere.Wait(Patience);
            }

            [Monitor] public static void TaskRun() => Task.Run(() => Child(20)).Wait(Patience);

            [Monitor] public static void FactoryStartNew() => Task.Factory.StartNew(() => Child(21)).Wait(Patience);

            [Monitor]
            public static void NewThread()
            {
                var thread = new Thread(() => Child(22));
                thread.Start();
                thread.Join();
            }

            [Monitor]
            public static void QueueUserWorkItem()
            {
                using var done = new ManualResetEventSlim();
                ThreadPool.QueueUserWorkItem(_ => { Child(23); done.Set(); });
                done.Wait();
            }

            [Monitor]
            public static void ThreadingTimer()
            {
                using var done = new ManualResetEventSlim();
                using var timer = new Timer(_ => { Child(24); done.Set(); }, null, 0, Timeout.Infinite);
                done.Wait();
            }

            [Monitor]
            public static void TimersTimer()
            {
                using var done = new ManualResetEventSlim();
                using var timer = new System.Timers.Timer(1) { AutoReset = false };
                timer.Elapsed += (_, _) => { Child(25); done.Set(); };
                timer.Start();
                done.Wait();
            }

            [Monitor]
            public static void AsyncLambda()
            {
                Func<Task> work = async () => { await Task.Yield(); Child(26); };
                work().Wait(Patience);
            }

            [Monitor] public static async Task TaskRunInAsync() => await Task.Run(() => Child(27));

            [Monitor] public static async Task SyncCallInAsync() { await Task.Yield(); Middle(); }

            [Monitor] public static void Middle() => Task.Run(() => Child(28)).Wait(Patience);

            [Monitor] public static void MethodGroup() => Task.Run(ChildOfMethodGroup).Wait(Patience);

            [Monitor] public static void DelegateInAVariable(Action action) => Task.Run(action).Wait(Patience);

            [Monitor] public static int Plain(int a) => Child(a) + 1;

            [Monitor] public static int Linq(int[] values) => values.Select(v => v + 1).Where(v => v > 0).Sum();

            private static void ChildOfMethodGroup() => Child(29);
        }

        public static class Entry
        {
            public static void ParallelFor() => Work.ParallelFor();
            public static void ParallelForEach() => Work.ParallelForEach();
            public static void TaskRun() => Work.TaskRun();
            public static void FactoryStartNew() => Work.FactoryStartNew();
            public static void NewThread() => Work.NewThread();
            public static void QueueUserWorkItem() => Work.QueueUserWorkItem();
            public static void ThreadingTimer() => Work.ThreadingTimer();
            public static void TimersTimer() => Work.TimersTimer();
            public static void AsyncLambda() => Work.AsyncLambda();
            public static void TaskRunInAsync() => Work.TaskRunInAsync().Wait();
            public static void SyncCallInAsync() => Work.SyncCallInAsync().Wait();
            public static void MethodGroup() => Work.MethodGroup();
            public static void DelegateInAVariable() => Work.DelegateInAVariable(() => Work.Child(30));
            public static int Plain() => Work.Plain(31);
            public static int Linq() => Work.Linq(new[] { 1, 2 });
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

    [TestCase("ParallelFor", 8)]
    [TestCase("ParallelForEach", 4)]
    [TestCase("TaskRun", 1)]
    [TestCase("FactoryStartNew", 1)]
    [TestCase("NewThread", 1)]
    [TestCase("QueueUserWorkItem", 1)]
    [TestCase("ThreadingTimer", 1)]
    [TestCase("TimersTimer", 1)]
    [TestCase("AsyncLambda", 1)]
    [TestCase("TaskRunInAsync", 1)]
    [TestCase("MethodGroup", 1)]
    public void Work_started_inside_a_monitored_call_nests_under_it(string parent, int children)
    {
        IReadOnlyList<RecordedSpan> spans = Run(parent);

        RecordedSpan caller = spans.Single(s => s.Process == "Flow.Work." + parent);
        RecordedSpan[] nested = spans.Where(s => s.Process == "Flow.Work.Child").ToArray();
        nested.Length.ShouldBe(children);
        nested.ShouldAllBe(c => c.ParentSpanId == caller.SpanId && c.TraceId == caller.TraceId);
        nested.ShouldContain(c => c.ThreadId != caller.ThreadId, "precondition: the work ran on another thread");
    }

    [Test]
    public void Work_started_inside_a_sync_call_inside_an_async_call_nests_under_the_sync_call()
    {
        IReadOnlyList<RecordedSpan> spans = Run("SyncCallInAsync");

        RecordedSpan outer = spans.Single(s => s.Process == "Flow.Work.SyncCallInAsync");
        RecordedSpan middle = spans.Single(s => s.Process == "Flow.Work.Middle");
        RecordedSpan child = spans.Single(s => s.Process == "Flow.Work.Child");
        middle.ParentSpanId.ShouldBe(outer.SpanId);
        child.ParentSpanId.ShouldBe(middle.SpanId);
        child.ThreadId.ShouldNotBe(middle.ThreadId, "precondition: the work ran on another thread");
        child.TraceId.ShouldBe(outer.TraceId);
    }

    [Test]
    public void A_delegate_handed_in_and_started_by_the_call_nests_under_it()
    {
        IReadOnlyList<RecordedSpan> spans = Run("DelegateInAVariable");

        RecordedSpan caller = spans.Single(s => s.Process == "Flow.Work.DelegateInAVariable");
        RecordedSpan child = spans.Single(s => s.Process == "Flow.Work.Child");
        child.ParentSpanId.ShouldBe(caller.SpanId);
        child.ThreadId.ShouldNotBe(caller.ThreadId, "precondition: the work ran on another thread");
    }

    [TestCase("ParallelFor")]
    [TestCase("TaskRun")]
    [TestCase("NewThread")]
    [TestCase("ThreadingTimer")]
    [TestCase("TimersTimer")]
    [TestCase("AsyncLambda")]
    [TestCase("MethodGroup")]
    [TestCase("DelegateInAVariable")]
    [TestCase("Middle")]
    public void A_body_that_starts_work_elsewhere_gets_the_flowing_wrapper(string method) =>
        StartOf(method).ShouldBe("StartFlowing");

    [TestCase("Child")]
    [TestCase("Plain")]
    [TestCase("Linq")]
    public void A_body_that_starts_nothing_elsewhere_keeps_the_thread_slot_wrapper(string method) =>
        StartOf(method).ShouldBe("Start");

    [Test]
    public void Calls_of_a_body_that_starts_nothing_still_nest_and_return_the_same()
    {
        _sample.Invoke("Flow.Entry", "Linq").ShouldBe(5);
        IReadOnlyList<RecordedSpan> spans = Run("Plain");
        spans.Single(s => s.Process == "Flow.Work.Child").ParentSpanId
            .ShouldBe(spans.Single(s => s.Process == "Flow.Work.Plain").SpanId);
    }

    [Test]
    public void A_method_of_a_referenced_project_seen_as_source_gets_the_flowing_wrapper_and_no_generator_error()
    {
        // The IDE references a project as its compilation: the method's syntax is in another compilation.
        CSharpCompilation library = GeneratorHarness.Compile("Library", OutputKind.DynamicallyLinkedLibrary, Array.Empty<MetadataReference>(), """
            namespace Lib;
            public static class Service { [Instrumentor.Monitor] public static int Compute(int n) => n + 1; }
            """);
        CSharpCompilation app = GeneratorHarness.Compile("App", OutputKind.DynamicallyLinkedLibrary, new[] { library.ToMetadataReference() }, """
            namespace App;
            public static class Caller { public static int Call() => Lib.Service.Compute(1); }
            """);

        GeneratorResult result = GeneratorHarness.Run(app);

        result.GeneratorDiagnostics.ShouldBeEmpty();
        result.CompilationProblems.ShouldBeEmpty();
        result.GeneratedSource!.ShouldContain("SyncSpan.StartFlowing(");
    }

    private IReadOnlyList<RecordedSpan> Run(string entry)
    {
        using TracingScope tracing = TracingScope.Start();
        _sample.Invoke("Flow.Entry", entry);
        return tracing.Flush();
    }

    /// <summary>How the wrapper of <c>Flow.Work.<paramref name="method"/></c> starts its span.</summary>
    private string StartOf(string method)
    {
        string generated = _result.GeneratedSource!;
        Match site = Regex.Match(generated, @"(s_site\d+) = new [^(]+\(\s*""Flow\.Work\." + method + @"""");
        site.Success.ShouldBeTrue($"a site for {method}");
        return Regex.Match(generated, @"SyncSpan\.(\w+)\(" + site.Groups[1].Value + @",").Groups[1].Value;
    }
}
