using System;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Instrumentor.Testing;

namespace Instrumentor.Tests.Queue;

[NonParallelizable]
public class OverflowAndSpoolTests
{
    [TearDown]
    public void TearDown() => Monitoring.Shutdown(TimeSpan.FromSeconds(5));

    [Test]
    public void With_Spill_a_stalled_sink_loses_nothing_and_the_spool_is_replayed()
    {
        using TracingScope tracing = TracingScope.Start(o =>
        {
            o.QueueCapacity = 100;
            o.OverflowCapacity = 1_000;
        });
        tracing.Sink.Gate.Reset();
        for (int i = 0; i < 20_000; i++)
        {
            SpanFactory.CallAdd(i, 0);
        }

        SpinWait.SpinUntil(() => Monitoring.Stats.Spilled > 10_000, TimeSpan.FromSeconds(30)).ShouldBeTrue("the spooler moves overflow to disk");
        tracing.Sink.Gate.Set();
        var spans = tracing.Flush();

        spans.Count.ShouldBe(20_000);
        tracing.Sink.Duplicates.ShouldBe(0);
        MonitoringStats stats = Monitoring.Stats;
        stats.Enqueued.ShouldBe(20_000);
        stats.Written.ShouldBe(20_000);
        stats.Dropped.ShouldBe(0);
        stats.Overflowed.ShouldBeGreaterThan(0);
        stats.Replayed.ShouldBe(stats.Spilled);
        stats.QueueDepth.ShouldBe(0);
        spans.Select(s => s.Inputs["a"]).Distinct().Count().ShouldBe(20_000);
    }

    [Test]
    public async Task With_Block_the_producer_waits_for_room_instead_of_dropping()
    {
        using TracingScope tracing = TracingScope.Start(o =>
        {
            o.QueueCapacity = 10;
            o.OverflowPolicy = OverflowPolicy.Block;
        });
        tracing.Sink.Gate.Reset();
        Task producer = Task.Run(() =>
        {
            for (int i = 0; i < 500; i++)
            {
                SpanFactory.CallAdd(i, 0);
            }
        });

        (await Task.WhenAny(producer, Task.Delay(300))).ShouldNotBe(producer, "the producer is blocked while the sink is stalled");
        tracing.Sink.Gate.Set();
        await producer;
        tracing.Flush().Count.ShouldBe(500);
        Monitoring.Stats.Dropped.ShouldBe(0);
    }

    [Test]
    public void Past_the_spool_limit_normal_records_are_dropped_and_counted_but_errors_are_kept()
    {
        using TracingScope tracing = TracingScope.Start(o =>
        {
            o.QueueCapacity = 10;
            o.OverflowCapacity = 10;
            o.SpoolLimitBytes = 16 * 1024;
        });
        tracing.Sink.Gate.Reset();
        for (int i = 0; i < 5_000; i++)
        {
            SpanFactory.CallAdd(i, 0);
            if (i % 10 == 0)
            {
                SpanFactory.CallFail("e" + i);
            }
        }

        SpinWait.SpinUntil(() => Monitoring.Stats.Dropped > 0, TimeSpan.FromSeconds(30)).ShouldBeTrue();
        tracing.Sink.Gate.Set();
        var spans = tracing.Flush();

        MonitoringStats stats = Monitoring.Stats;
        spans.Count(s => s.Status == "ERR").ShouldBe(500);
        stats.Dropped.ShouldBeGreaterThan(0);
        stats.Enqueued.ShouldBe(5_500);
        stats.Enqueued.ShouldBe(stats.Written + stats.Dropped);
    }

    [Test]
    public void A_failing_sink_keeps_every_record_and_writes_them_once_it_recovers()
    {
        using TracingScope tracing = TracingScope.Start(o =>
        {
            o.QueueCapacity = 100;
            o.OverflowCapacity = 100;
        });
        // A disk-full store: every write throws IOException for a while.
        tracing.Sink.FailNextWrites(5);
        for (int i = 0; i < 3_000; i++)
        {
            SpanFactory.CallAdd(i, 0);
        }

        var spans = tracing.Flush();

        spans.Count.ShouldBe(3_000);
        tracing.Sink.Duplicates.ShouldBe(0);
        Monitoring.Stats.FailedBatches.ShouldBe(5);
        Monitoring.Stats.Dropped.ShouldBe(0);
    }

    [Test]
    public void Records_the_store_could_not_take_at_shutdown_are_saved_and_written_exactly_once_at_the_next_start()
    {
        string spool = Path.Combine(Path.GetTempPath(), "instrumentor-restart-" + Guid.NewGuid().ToString("N") + ".spool");
        try
        {
            var deadSink = new RecordingSink();
            deadSink.FailNextWrites(int.MaxValue);
            using (TracingScope.Start(o => { o.SpoolPath = spool; o.QueueCapacity = 50; o.OverflowCapacity = 50; }, deadSink))
            {
                for (int i = 0; i < 1_000; i++)
                {
                    SpanFactory.CallAdd(i, 0);
                }

                SpanFactory.CallFail("kept across restart");
                Monitoring.Shutdown(TimeSpan.FromMilliseconds(300)).ShouldBeTrue("nothing is lost: it is saved to the spool");
            }

            File.Exists(spool).ShouldBeTrue();
            var sink = new RecordingSink();
            using var second = TracingScope.Start(o => o.SpoolPath = spool, sink);
            var spans = second.Flush();

            spans.Count.ShouldBe(1_001);
            spans.Count(s => s.Status == "ERR").ShouldBe(1);
            sink.Duplicates.ShouldBe(0);
            Monitoring.Stats.ReplayedFromEarlierRuns.ShouldBe(1_001);
            Monitoring.Stats.Enqueued.ShouldBe(0);
        }
        finally
        {
            File.Delete(spool);
        }
    }

    [Test]
    public void Concurrent_producers_with_a_stalled_sink_lose_nothing_and_errors_come_first_in_every_batch()
    {
        var sink = new RecordingSink { KeepSpans = false };
        using TracingScope tracing = TracingScope.Start(o => o.QueueCapacity = 10_000, sink);
        sink.Gate.Reset();
        const int threads = 8;
        const int perThread = 125_000;
        Task stall = Task.Delay(500).ContinueWith(_ => sink.Gate.Set());

        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
        {
            for (int i = 0; i < perThread; i++)
            {
                if (i % 1000 == 0)
                {
                    SpanFactory.CallFail("x");
                }
                else
                {
                    SpanFactory.CallAdd(t, i);
                }
            }
        });
        stall.Wait();
        tracing.Flush();

        MonitoringStats stats = Monitoring.Stats;
        stats.Enqueued.ShouldBe(threads * perThread);
        stats.Enqueued.ShouldBe(stats.Written + stats.Dropped);
        stats.Dropped.ShouldBe(0);
        sink.Count.ShouldBe(threads * perThread);
        sink.Duplicates.ShouldBe(0);
        sink.ErrorsAfterNormal.ShouldBe(0);
        stats.Errors.ShouldBe(threads * perThread / 1000);
    }
}
