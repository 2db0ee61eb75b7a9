using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Instrumentor.Runtime;
using Instrumentor.Testing;

namespace Instrumentor.Tests.Queue;

/// <summary>A flush never returns while a record it must wait for is between the overflow queue and the spool.</summary>
[NonParallelizable]
public class FlushRaceTests
{
    private static readonly MonitorSite s_slow = new("Tests.Flush.Slow", null, new[] { "value" }, 1.0, 1000);

    [TearDown]
    public void TearDown() => Monitoring.Shutdown(TimeSpan.FromSeconds(5));

    [Test]
    public async Task FlushAsync_waits_for_a_record_the_spooler_has_taken_but_not_yet_appended()
    {
        using var formatting = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        using TracingScope tracing = TracingScope.Start(o =>
        {
            o.QueueCapacity = 2;
            o.OverflowCapacity = 0; // everything past the ring goes to the spool at once
        });
        tracing.Pipeline.Ready.Wait(TimeSpan.FromSeconds(10)).ShouldBeTrue();
        tracing.Sink.Gate.Reset();
        SpanFactory.CallAdd(0, 0);
        SpinWait.SpinUntil(() => tracing.Sink.HeldAtGate, TimeSpan.FromSeconds(10)).ShouldBeTrue();
        SpanFactory.CallAdd(1, 0);
        SpanFactory.CallAdd(2, 0); // the ring is full
        // Overflows, and the spooler formats it (on its own thread) before appending it: hold it right there.
        SyncSpan.Start(s_slow, out var span);
        span.SetArgument(0, CapturedValue.FromFormatter(42, new BlockingFormatter(formatting, release)));
        span.Exit();
        span.Complete();
        formatting.Wait(TimeSpan.FromSeconds(10)).ShouldBeTrue("the spooler took the record");

        Task<bool> flush = Monitoring.FlushAsync(TimeSpan.FromSeconds(30));
        tracing.Sink.Gate.Set();
        await Task.WhenAny(flush, Task.Delay(500));
        if (flush.IsCompleted)
        {
            // Returning true here would be the race: the slow record is neither in the queue, the batch nor the spool.
            flush.Result.ShouldBeFalse();
        }

        release.Set();
        (await flush).ShouldBeTrue();
        tracing.Sink.Spans.Select(s => s.Process).ShouldContain("Tests.Flush.Slow");
        tracing.Sink.Spans.Count.ShouldBe(4);
    }

    private sealed class BlockingFormatter(ManualResetEventSlim formatting, ManualResetEventSlim release) : IValueFormatter<int>
    {
        public string? Format(int value)
        {
            formatting.Set();
            release.Wait(TimeSpan.FromSeconds(30));
            return value.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
    }
}
