using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Instrumentor.Testing;

namespace Instrumentor.Tests.Queue;

[NonParallelizable]
public class BatchWriterTests
{
    [TearDown]
    public void TearDown() => Monitoring.Shutdown(TimeSpan.FromSeconds(5));

    [Test]
    public void Writer_drains_errors_before_normal_records()
    {
        using TracingScope tracing = TracingScope.Start();
        // Hold the writer inside its first write so that the next records pile up in both queues.
        tracing.Sink.Gate.Reset();
        SpanFactory.CallAdd(0, 0);
        SpinWait.SpinUntil(() => tracing.Sink.HeldAtGate, TimeSpan.FromSeconds(10)).ShouldBeTrue("the writer took the first record");
        for (int i = 0; i < 50; i++)
        {
            SpanFactory.CallAdd(i, i);
            SpanFactory.CallFail("e" + i);
        }

        tracing.Sink.Gate.Set();
        tracing.Flush();

        // Every batch lists its errors before its normal records, and the first batch after the stall holds
        // all 50 errors ahead of any normal record.
        foreach (var statuses in tracing.Sink.BatchStatuses)
        {
            int firstOk = statuses.ToList().IndexOf("OK");
            if (firstOk >= 0)
            {
                statuses.Skip(firstOk).ShouldAllBe(s => s == "OK");
            }
        }

        var afterStall = tracing.Sink.BatchStatuses.First(b => b.Contains("ERR"));
        afterStall.Take(50).ShouldAllBe(s => s == "ERR");
    }

    [Test]
    public void A_failing_sink_is_retried_without_losing_or_duplicating_records()
    {
        using TracingScope tracing = TracingScope.Start();
        tracing.Sink.FailNextWrites(3);

        for (int i = 0; i < 200; i++)
        {
            SpanFactory.CallAdd(i, 1);
        }

        var spans = tracing.Flush();

        spans.Count.ShouldBe(200);
        spans.Select(s => s.SpanId).Distinct().Count().ShouldBe(200);
        MonitoringStats stats = Monitoring.Stats;
        stats.FailedBatches.ShouldBe(3);
        stats.Written.ShouldBe(200);
        stats.Dropped.ShouldBe(0);
    }

    [Test]
    public async Task FlushAsync_returns_only_when_everything_enqueued_before_it_is_written()
    {
        using TracingScope tracing = TracingScope.Start();
        tracing.Sink.Gate.Reset();
        for (int i = 0; i < 1000; i++)
        {
            SpanFactory.CallAdd(i, 0);
        }

        Task<bool> flush = Monitoring.FlushAsync(TimeSpan.FromSeconds(30));
        await Task.Delay(50);
        flush.IsCompleted.ShouldBeFalse("the sink is still blocked");

        tracing.Sink.Gate.Set();
        (await flush).ShouldBeTrue();
        tracing.Sink.Spans.Count.ShouldBe(1000);
    }

    [Test]
    public async Task FlushAsync_times_out_with_false_when_the_sink_is_stuck()
    {
        using TracingScope tracing = TracingScope.Start();
        tracing.Sink.Gate.Reset();
        SpanFactory.CallAdd(1, 1);

        (await Monitoring.FlushAsync(TimeSpan.FromMilliseconds(200))).ShouldBeFalse();

        tracing.Sink.Gate.Set();
        (await Monitoring.FlushAsync(TimeSpan.FromSeconds(30))).ShouldBeTrue();
    }

    [Test]
    public void With_DropNewest_a_full_normal_queue_drops_and_counts_but_keeps_every_error()
    {
        using TracingScope tracing = TracingScope.Start(o =>
        {
            o.QueueCapacity = 100;
            o.OverflowPolicy = OverflowPolicy.DropNewest;
        });
        tracing.Sink.Gate.Reset();
        for (int i = 0; i < 1000; i++)
        {
            SpanFactory.CallAdd(i, 0);
        }

        for (int i = 0; i < 500; i++)
        {
            SpanFactory.CallFail("e");
        }

        tracing.Sink.Gate.Set();
        var spans = tracing.Flush();

        MonitoringStats stats = Monitoring.Stats;
        spans.Count(s => s.Status == "ERR").ShouldBe(500);
        stats.Dropped.ShouldBeGreaterThan(0);
        stats.Enqueued.ShouldBe(1500);
        stats.Enqueued.ShouldBe(stats.Written + stats.Dropped);
        stats.Errors.ShouldBe(500);
    }

    [Test]
    public void Counters_hold_enqueued_equals_written_plus_dropped_under_concurrency()
    {
        using TracingScope tracing = TracingScope.Start();
        const int threads = 4;
        const int perThread = 25_000;

        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
        {
            for (int i = 0; i < perThread; i++)
            {
                if (i % 100 == 0)
                {
                    SpanFactory.CallFail("x");
                }
                else
                {
                    SpanFactory.CallAdd(t, i);
                }
            }
        });
        tracing.Flush();

        MonitoringStats stats = Monitoring.Stats;
        stats.Enqueued.ShouldBe(threads * perThread);
        stats.Enqueued.ShouldBe(stats.Written + stats.Dropped);
        stats.Errors.ShouldBe(threads * perThread / 100);
        stats.QueueDepth.ShouldBe(0);
        tracing.Sink.Spans.Count(s => s.Status == "ERR").ShouldBe(threads * perThread / 100);
    }

    [Test]
    public void A_record_enqueued_just_before_shutdown_is_committed_not_left_behind()
    {
        // Regression: the writer could read an empty queue, then see the stop request and end, leaving a record
        // enqueued in between to the spool. Many short-lived pipelines make the window likely.
        for (int i = 0; i < 100; i++)
        {
            using TracingScope tracing = TracingScope.Start();
            SpanFactory.CallAdd(i, 0);
            tracing.Pipeline.Shutdown(TimeSpan.FromSeconds(5)).ShouldBeTrue();
            tracing.Sink.Spans.Count.ShouldBe(1, $"round {i}");
            tracing.Pipeline.Stats.Spilled.ShouldBe(0);
        }
    }

    [Test]
    public void Records_produced_after_shutdown_are_counted_as_dropped_not_lost_silently()
    {
        TracingScope tracing = TracingScope.Start();
        Pipeline pipeline = tracing.Pipeline;
        pipeline.Shutdown(TimeSpan.FromSeconds(5)).ShouldBeTrue();

        var record = new SpanRecord { Site = SpanFactory.Add, SpanId = 1 };
        pipeline.Enqueue(ref record);

        pipeline.Stats.Dropped.ShouldBe(1);
        tracing.Dispose();
    }
}
