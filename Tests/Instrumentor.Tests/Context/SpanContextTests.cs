using System;
using System.Diagnostics;
using System.Linq;
using System.Threading.Tasks;
using Instrumentor.Runtime;
using Instrumentor.Testing;

namespace Instrumentor.Tests.Context;

[NonParallelizable]
public class SpanContextTests
{
    [Test]
    public void A_root_call_inside_an_Activity_adopts_its_trace_id_and_span_id_as_parent()
    {
        using TracingScope tracing = TracingScope.Start();
        using var activity = new Activity("outer").SetIdFormat(ActivityIdFormat.W3C).Start();

        SpanFactory.CallAdd(1, 2);

        RecordedSpan span = tracing.Flush().Single();
        span.TraceId.ShouldBe(activity.TraceId.ToHexString());
        span.ParentSpanId.ShouldBe(activity.SpanId.ToHexString());
    }

    [Test]
    public void Sequential_root_calls_get_distinct_trace_ids_that_start_with_the_time()
    {
        using TracingScope tracing = TracingScope.Start();
        SpanFactory.CallAdd(1, 2);
        SpanFactory.CallAdd(3, 4);

        var spans = tracing.Flush();
        spans.Select(s => s.TraceId).Distinct().Count().ShouldBe(2);
        long unixMs = Convert.ToInt64(spans[0].TraceId[..12], 16);
        unixMs.ShouldBeInRange(DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeMilliseconds(), DateTimeOffset.UtcNow.AddMinutes(1).ToUnixTimeMilliseconds());
    }

    [Test]
    public void The_thread_slot_is_restored_after_a_call_even_when_it_throws()
    {
        using TracingScope tracing = TracingScope.Start();
        SpanFactory.CallFail("x");
        SpanFactory.CallAdd(1, 1);

        var spans = tracing.Flush();
        spans.ShouldAllBe(s => s.ParentSpanId == null);
    }

    [Test]
    public void An_unsampled_call_records_nothing_unless_it_throws_and_then_has_no_duration()
    {
        using TracingScope tracing = TracingScope.Start();
        SyncSpan.Start(SpanFactory.Unsampled, out var span);
        span.IsSampled.ShouldBeFalse();
        span.Exit();
        span.Complete();
        SpanFactory.CallFail("unsampled", SpanFactory.Unsampled);

        RecordedSpan error = tracing.Flush().Single();
        error.Status.ShouldBe("ERR");
        error.DurationNs.ShouldBeNull();
        error.Inputs.ShouldBeEmpty();
        error.TraceId.ShouldMatch("^[0-9a-f]{32}$");
    }

    [Test]
    public async Task A_sync_call_inside_an_async_span_takes_it_as_parent_on_another_thread()
    {
        using TracingScope tracing = TracingScope.Start();
        var outer = AsyncSpan.Start(SpanFactory.Add);
        Task work = Task.Run(() => SpanFactory.CallAdd(5, 5));
        outer.Exit();
        await outer.Track(work);

        var spans = tracing.Flush();
        RecordedSpan parent = spans.Single(s => s.Inputs.Count == 0);
        RecordedSpan child = spans.Single(s => s.Inputs.Count == 2);
        child.ParentSpanId.ShouldBe(parent.SpanId);
        child.TraceId.ShouldBe(parent.TraceId);
    }

    [Test]
    public void Unsampled_calls_that_fail_derive_one_trace_id_and_link_child_to_parent()
    {
        using TracingScope tracing = TracingScope.Start();
        Should.Throw<InvalidOperationException>(() => SpanFactory.Call(SpanFactory.Unsampled, () =>
            SpanFactory.Call(SpanFactory.UnsampledChild, () => throw new InvalidOperationException("deep"))));

        var spans = tracing.Flush();
        spans.Count.ShouldBe(2);
        RecordedSpan root = spans.Single(s => s.Process == SpanFactory.Unsampled.Process);
        RecordedSpan child = spans.Single(s => s.Process == SpanFactory.UnsampledChild.Process);
        root.ParentSpanId.ShouldBeNull();
        child.ParentSpanId.ShouldBe(root.SpanId);
        child.TraceId.ShouldBe(root.TraceId);
        child.SpanId.ShouldNotBe(root.SpanId);
        spans.ShouldAllBe(s => s.Status == "ERR" && s.DurationNs == null);
    }

    [Test]
    public void An_unsampled_parent_failing_later_with_another_exception_keeps_the_trace_of_its_failed_child()
    {
        using TracingScope tracing = TracingScope.Start();
        Should.Throw<ArgumentException>(() => SpanFactory.Call(SpanFactory.Unsampled, () =>
        {
            try
            {
                SpanFactory.Call(SpanFactory.UnsampledChild, () => throw new InvalidOperationException("handled"));
            }
            catch (InvalidOperationException)
            {
            }

            SpanFactory.CallAdd(1, 1); // a sampled site under an unsampled root is not sampled: records nothing
            throw new ArgumentException("later");
        }));

        var spans = tracing.Flush();
        spans.Count.ShouldBe(2);
        RecordedSpan root = spans.Single(s => s.Process == SpanFactory.Unsampled.Process);
        RecordedSpan child = spans.Single(s => s.Process == SpanFactory.UnsampledChild.Process);
        child.TraceId.ShouldBe(root.TraceId);
        child.ParentSpanId.ShouldBe(root.SpanId);
        root.ExceptionMessage.ShouldBe("later");
    }

    [Test]
    public void Unsampled_calls_inside_an_Activity_that_fail_join_its_trace()
    {
        using TracingScope tracing = TracingScope.Start();
        using var activity = new Activity("outer").SetIdFormat(ActivityIdFormat.W3C).Start();
        Should.Throw<InvalidOperationException>(() => SpanFactory.Call(SpanFactory.Unsampled, () =>
            SpanFactory.Call(SpanFactory.UnsampledChild, () => throw new InvalidOperationException("deep"))));

        var spans = tracing.Flush();
        RecordedSpan root = spans.Single(s => s.Process == SpanFactory.Unsampled.Process);
        RecordedSpan child = spans.Single(s => s.Process == SpanFactory.UnsampledChild.Process);
        root.TraceId.ShouldBe(activity.TraceId.ToHexString());
        root.ParentSpanId.ShouldBe(activity.SpanId.ToHexString());
        child.TraceId.ShouldBe(root.TraceId);
        child.ParentSpanId.ShouldBe(root.SpanId);
    }

    [Test]
    public async Task An_async_call_under_an_unsampled_sync_call_joins_the_trace_its_parent_fails_in()
    {
        using TracingScope tracing = TracingScope.Start();
        Task failed = Task.CompletedTask;
        Should.Throw<InvalidOperationException>(() => SpanFactory.Call(SpanFactory.Unsampled, () =>
        {
            var inner = AsyncSpan.Start(SpanFactory.UnsampledChild);
            inner.IsSampled.ShouldBeFalse("it follows its unsampled parent");
            failed = inner.Track(Task.FromException(new InvalidOperationException("async")));
            inner.Exit();
            throw new InvalidOperationException("sync");
        }));
        await Should.ThrowAsync<InvalidOperationException>(failed);

        var spans = tracing.Flush();
        RecordedSpan root = spans.Single(s => s.Process == SpanFactory.Unsampled.Process);
        RecordedSpan child = spans.Single(s => s.Process == SpanFactory.UnsampledChild.Process);
        child.TraceId.ShouldBe(root.TraceId);
        child.ParentSpanId.ShouldBe(root.SpanId);
    }
}
