using System;
using System.Linq;
using System.Threading.Tasks;
using Instrumentor.Runtime;
using Instrumentor.Testing;

namespace Instrumentor.Tests.Runtime;

/// <summary>
/// A span records exactly one failure, with the exception that leaves the call: when a <c>finally</c> of the callee
/// throws while the first exception unwinds, the wrapper's filter runs twice, and the second exception replaces the
/// first (as it does for the caller).
/// </summary>
[NonParallelizable]
public class PendingFailureTests
{
    [Test]
    public void A_finally_of_the_callee_that_throws_while_unwinding_leaves_one_failure_with_its_exception()
    {
        using TracingScope tracing = TracingScope.Start();
        Should.Throw<ArgumentException>(() => SpanFactory.Call(SpanFactory.Fail, ThrowsThenFinallyThrows));

        RecordedSpan span = tracing.Flush().Single();
        span.Status.ShouldBe("ERR");
        span.ExceptionType.ShouldBe(typeof(ArgumentException).FullName);
        span.ExceptionMessage.ShouldBe("from the finally");
        span.DurationNs.ShouldNotBeNull();
    }

    [Test]
    public void The_same_holds_for_an_unsampled_call()
    {
        using TracingScope tracing = TracingScope.Start();
        Should.Throw<ArgumentException>(() => SpanFactory.Call(SpanFactory.Unsampled, ThrowsThenFinallyThrows));

        RecordedSpan span = tracing.Flush().Single();
        span.ExceptionMessage.ShouldBe("from the finally");
        span.DurationNs.ShouldBeNull();
    }

    [Test]
    public void Each_monitored_frame_the_exceptions_pass_records_one_failure()
    {
        using TracingScope tracing = TracingScope.Start();
        Should.Throw<ArgumentException>(() => SpanFactory.Call(SpanFactory.Unsampled, () =>
            SpanFactory.Call(SpanFactory.Fail, ThrowsThenFinallyThrows)));

        var spans = tracing.Flush();
        spans.Count.ShouldBe(2);
        spans.ShouldAllBe(s => s.ExceptionMessage == "from the finally");
        spans.Single(s => s.Process == SpanFactory.Fail.Process).ParentSpanId
            .ShouldBe(spans.Single(s => s.Process == SpanFactory.Unsampled.Process).SpanId);
    }

    [Test]
    public void An_exception_the_callee_swallows_after_the_filter_saw_it_leaves_one_record()
    {
        // The filter sees the first exception; a finally then throws a second one and catches it inside the callee,
        // which returns normally: the span keeps the failure it saw, and no second (OK) record.
        using TracingScope tracing = TracingScope.Start();
        SpanFactory.Call(SpanFactory.Fail, () =>
        {
            try
            {
                try
                {
                    throw new InvalidOperationException("seen by the filter");
                }
                finally
                {
                    throw new ArgumentException("caught below");
                }
            }
            catch (ArgumentException)
            {
            }
        });

        tracing.Flush().Count.ShouldBe(1);
    }

    [Test]
    public async Task An_async_call_that_throws_synchronously_through_a_throwing_finally_records_one_failure()
    {
        using TracingScope tracing = TracingScope.Start();
        var span = AsyncSpan.Start(SpanFactory.Fail);
        Task task = Task.CompletedTask;
        Should.Throw<ArgumentException>(() =>
        {
            try
            {
                ThrowsThenFinallyThrows();
            }
            catch (Exception ex) when (span.Fail(ex))
            {
                throw;
            }
            finally
            {
                span.Exit();
            }
        });
        await task;

        RecordedSpan recorded = tracing.Flush().Single();
        recorded.ExceptionMessage.ShouldBe("from the finally");
    }

    [Test]
    public void A_failure_still_unwinding_when_the_process_dies_is_queued_by_the_unhandled_exception_hook()
    {
        // An unhandled exception raises AppDomain.UnhandledException after the first pass, before any finally runs:
        // the hook must queue what the filters saw. An outer filter stands in for it here (it runs at the same point).
        using TracingScope tracing = TracingScope.Start();
        int sentBeforeUnwinding = -1;
        try
        {
            SpanFactory.Call(SpanFactory.Fail, () => throw new InvalidOperationException("kills the process"));
        }
        catch (InvalidOperationException) when (StandsInForTheHook(tracing, out sentBeforeUnwinding))
        {
        }

        sentBeforeUnwinding.ShouldBe(1);
        tracing.Flush().Single().ExceptionMessage.ShouldBe("kills the process", "and the finally sent nothing twice");
    }

    private static bool StandsInForTheHook(TracingScope tracing, out int sent)
    {
        PendingFailure.SendAllOfThisThread();
        sent = tracing.Flush().Count;
        return true;
    }

    private static void ThrowsThenFinallyThrows()
    {
        try
        {
            throw new InvalidOperationException("first");
        }
        finally
        {
            throw new ArgumentException("from the finally");
        }
    }
}
