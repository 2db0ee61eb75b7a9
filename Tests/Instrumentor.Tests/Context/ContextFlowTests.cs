using System;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using Instrumentor.Runtime;
using Instrumentor.Testing;

namespace Instrumentor.Tests.Context;

/// <summary>
/// DESIGN.md §3 item 8 at the runtime level: a flowing sync span (<see cref="SyncSpan.StartFlowing"/>) is the parent
/// of work started on other threads, is invisible to other flows, and changes nothing else in the context. The
/// generator's choice of that wrapper, with every way of starting work, is tested in the generator's ContextFlowTests.
/// </summary>
[NonParallelizable]
public class ContextFlowTests
{
    private static readonly MonitorSite Parent = new("Tests.Flow.Parent", null, Array.Empty<string>(), 1.0, 1000);
    private static readonly AsyncLocal<string?> s_userLocal = new();

    [Test]
    public void Work_started_on_another_thread_nests_under_a_flowing_sync_span()
    {
        using TracingScope tracing = TracingScope.Start();
        SpanFactory.CallFlowing(Parent, () => Task.Run(() => SpanFactory.CallAdd(1, 2)).Wait());

        var spans = tracing.Flush();
        RecordedSpan parent = spans.Single(s => s.Process == Parent.Process);
        RecordedSpan child = spans.Single(s => s.Process == SpanFactory.Add.Process);
        child.ParentSpanId.ShouldBe(parent.SpanId);
        child.TraceId.ShouldBe(parent.TraceId);
        child.ThreadId.ShouldNotBe(parent.ThreadId, "the child ran on a pool thread");
    }

    [Test]
    public void A_plain_sync_span_is_not_seen_by_work_on_another_thread()
    {
        // The thread-slot span the generator keeps for bodies that start nothing: this is why StartFlowing exists.
        using TracingScope tracing = TracingScope.Start();
        SpanFactory.Call(Parent, () => Task.Run(() => SpanFactory.CallAdd(1, 2)).Wait());

        tracing.Flush().Single(s => s.Process == SpanFactory.Add.Process).ParentSpanId.ShouldBeNull();
    }

    [Test]
    public void Calls_on_the_same_thread_under_a_flowing_span_nest_through_the_thread_slot()
    {
        using TracingScope tracing = TracingScope.Start();
        SpanFactory.CallFlowing(Parent, () => SpanFactory.CallAdd(1, 2, inner: () => SpanFactory.CallAdd(3, 4)));

        var spans = tracing.Flush();
        RecordedSpan parent = spans.Single(s => s.Process == Parent.Process);
        RecordedSpan outer = spans.Single(s => s.Process == SpanFactory.Add.Process && s.Inputs["a"] == "1");
        RecordedSpan inner = spans.Single(s => s.Process == SpanFactory.Add.Process && s.Inputs["a"] == "3");
        outer.ParentSpanId.ShouldBe(parent.SpanId);
        inner.ParentSpanId.ShouldBe(outer.SpanId);
        spans.ShouldAllBe(s => s.ThreadId == parent.ThreadId);
    }

    [Test]
    public async Task An_inline_continuation_of_another_flow_does_not_adopt_a_flowing_sync_span()
    {
        using TracingScope tracing = TracingScope.Start();
        var gate = new TaskCompletionSource();
        int parentThread = 0, continuationThread = -1;
        Task otherFlow = OtherFlowAsync(gate.Task, () => continuationThread = Environment.CurrentManagedThreadId);

        SpanFactory.CallFlowing(Parent, () =>
        {
            parentThread = Environment.CurrentManagedThreadId;
            gate.SetResult(); // the other flow's await continuation runs inline, here, inside Parent
        });
        await otherFlow;

        continuationThread.ShouldBe(parentThread, "precondition: the continuation ran inline on the parent's thread");
        var spans = tracing.Flush();
        spans.Single(s => s.Process == SpanFactory.Add.Process).ParentSpanId.ShouldBeNull();
    }

    [Test]
    public void Leaving_a_flowing_span_puts_back_the_very_context_it_started_in()
    {
        using TracingScope tracing = TracingScope.Start();
        s_userLocal.Value = "request";
        ExecutionContext? before = ExecutionContext.Capture();

        SpanFactory.CallFlowing(Parent, () => SpanContext.CurrentAsyncFrame.ShouldNotBeNull());

        ReferenceEquals(ExecutionContext.Capture(), before).ShouldBeTrue("restored without a new context");
        SpanContext.CurrentAsyncFrame.ShouldBeNull();
        s_userLocal.Value = null;
    }

    [Test]
    public void An_AsyncLocal_set_by_the_body_of_a_flowing_span_stays_set_after_it_as_without_tracing()
    {
        using TracingScope tracing = TracingScope.Start();
        SpanFactory.CallFlowing(Parent, () => s_userLocal.Value = "set inside");

        s_userLocal.Value.ShouldBe("set inside");
        SpanContext.CurrentAsyncFrame.ShouldBeNull("only our frame was taken back");
        s_userLocal.Value = null;
    }

    [Test]
    public void A_failure_under_an_unsampled_flowing_span_on_another_thread_joins_its_trace()
    {
        using TracingScope tracing = TracingScope.Start();
        Should.Throw<AggregateException>(() => SpanFactory.CallFlowing(SpanFactory.Unsampled, () =>
            Task.Run(() => SpanFactory.Call(SpanFactory.UnsampledChild, () => throw new InvalidOperationException("deep"))).Wait()));

        var spans = tracing.Flush();
        RecordedSpan root = spans.Single(s => s.Process == SpanFactory.Unsampled.Process);
        RecordedSpan child = spans.Single(s => s.Process == SpanFactory.UnsampledChild.Process);
        child.ParentSpanId.ShouldBe(root.SpanId);
        child.TraceId.ShouldBe(root.TraceId);
        spans.ShouldAllBe(s => s.Status == "ERR" && s.DurationNs == null);
    }

    [Test]
    public async Task A_loop_started_inside_an_async_span_does_not_keep_its_captured_values_alive()
    {
        using TracingScope tracing = TracingScope.Start();
        var stop = new TaskCompletionSource();
        (WeakReference payload, Task loop) = StartLoopInsideAnAsyncSpan(stop.Task);
        tracing.Flush().Single().Inputs["a"].ShouldBe("<payload>");

        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();

        loop.IsCompleted.ShouldBeFalse("precondition: the loop still holds the context it captured inside the span");
        payload.IsAlive.ShouldBeFalse();
        stop.SetResult();
        await loop;
    }

    private static async Task OtherFlowAsync(Task gate, Action resumed)
    {
        await gate;
        resumed();
        SpanFactory.CallAdd(1, 2);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (WeakReference Payload, Task Loop) StartLoopInsideAnAsyncSpan(Task stop)
    {
        var payload = new Payload();
        Task loop = Task.CompletedTask;
        var span = AsyncSpan.Start(SpanFactory.Add);
        span.SetArgument(0, CapturedValue.FromFormatter(payload, new PayloadFormatter()));
        Task body;
        try
        {
            // The monitored method starts a background loop and returns at once; the loop captured the context.
            loop = Task.Run(async () => await stop);
            body = Task.CompletedTask;
        }
        finally
        {
            span.Exit();
        }

        span.Track(body);
        return (new WeakReference(payload), loop);
    }

    private sealed class Payload
    {
        public readonly byte[] Bytes = new byte[1024];
    }

    private sealed class PayloadFormatter : IValueFormatter<Payload>
    {
        public string? Format(Payload value) => "<payload>";
    }
}
