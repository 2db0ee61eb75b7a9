using System;
using System.IO;
using System.Linq;
using System.Threading;
using Instrumentor.Testing;

namespace Instrumentor.Tests.Queue;

/// <summary>At shutdown every record is written, saved to the spool, or counted as lost: none disappears uncounted.</summary>
[NonParallelizable]
public class ShutdownLossTests
{
    [TearDown]
    public void TearDown() => Monitoring.Shutdown(TimeSpan.FromSeconds(5));

    [Test]
    public void A_writer_stuck_in_a_commit_at_shutdown_counts_the_records_it_holds_as_lost_and_takes_them_back_if_it_commits()
    {
        using TracingScope tracing = TracingScope.Start(o => o.OverflowPolicy = OverflowPolicy.DropNewest);
        tracing.Sink.Gate.Reset();
        for (int i = 0; i < 10; i++)
        {
            SpanFactory.CallAdd(i, 0);
        }

        SpinWait.SpinUntil(() => tracing.Sink.HeldAtGate, TimeSpan.FromSeconds(10)).ShouldBeTrue();
        Pipeline pipeline = tracing.Pipeline;
        pipeline.Shutdown(TimeSpan.FromMilliseconds(100)).ShouldBeFalse();

        MonitoringStats stats = pipeline.Stats;
        stats.Dropped.ShouldBeGreaterThan(0, "the stuck batch is counted as lost");
        stats.Enqueued.ShouldBe(10);
        stats.Enqueued.ShouldBe(stats.Written + stats.Dropped, "nothing is left uncounted");

        // The store comes back after all: what it commits is no longer lost.
        tracing.Sink.Gate.Set();
        SpinWait.SpinUntil(() => pipeline.Stats.Written == tracing.Sink.Count && tracing.Sink.Count > 0, TimeSpan.FromSeconds(10)).ShouldBeTrue();
        SpinWait.SpinUntil(() => pipeline.Stats.Enqueued == pipeline.Stats.Written + pipeline.Stats.Dropped, TimeSpan.FromSeconds(10)).ShouldBeTrue();
        pipeline.Stats.Written.ShouldBe(tracing.Sink.Count);
    }

    [Test]
    public void A_slot_claimed_but_never_published_at_shutdown_is_counted_as_lost()
    {
        using TracingScope tracing = TracingScope.Start();
        Pipeline pipeline = tracing.Pipeline;
        pipeline.Ready.Wait(TimeSpan.FromSeconds(10)).ShouldBeTrue();
        SpanFactory.CallAdd(1, 1);
        tracing.Flush();
        // A producer descheduled between its claim and its publish, for longer than the whole shutdown.
        pipeline.Queue!.Normal.TryClaimUnpublished().ShouldBeTrue();

        pipeline.Shutdown(TimeSpan.FromMilliseconds(100)).ShouldBeFalse();

        MonitoringStats stats = pipeline.Stats;
        stats.Dropped.ShouldBe(1);
        stats.QueueDepth.ShouldBe(0);
        stats.Enqueued.ShouldBe(stats.Written + stats.Dropped);
    }

    [Test]
    public void Error_records_the_store_cannot_take_at_shutdown_are_kept_in_the_spool_past_its_limit_and_written_at_the_next_start()
    {
        string spool = Path.Combine(Path.GetTempPath(), "instrumentor-test-" + Guid.NewGuid().ToString("N") + ".spool");
        try
        {
            using (TracingScope tracing = TracingScope.Start(o =>
            {
                o.SpoolPath = spool;
                o.SpoolLimitBytes = 0; // the limit is for normal records: errors are never dropped
            }))
            {
                tracing.Sink.FailNextWrites(int.MaxValue);
                for (int i = 0; i < 20; i++)
                {
                    SpanFactory.CallFail("kept " + i);
                }

                tracing.Pipeline.Shutdown(TimeSpan.FromMilliseconds(300)).ShouldBeTrue("every error record was saved");
                MonitoringStats stats = tracing.Pipeline.Stats;
                stats.Dropped.ShouldBe(0);
                stats.Spilled.ShouldBe(20);
            }

            using TracingScope next = TracingScope.Start(o => o.SpoolPath = spool);
            var spans = next.Flush();
            spans.Count(s => s.Status == "ERR").ShouldBe(20);
            next.Pipeline.Stats.ReplayedFromEarlierRuns.ShouldBe(20);
        }
        finally
        {
            File.Delete(spool);
        }
    }

    [Test]
    public void Records_the_spooler_could_not_write_are_counted_as_lost_at_shutdown_not_as_spilled()
    {
        string path = Path.Combine(Path.GetTempPath(), "instrumentor-test-" + Guid.NewGuid().ToString("N") + ".spool");
        TextWriter original = Console.Error;
        var captured = new StringWriter();
        try
        {
            var options = new MonitoringOptions { DatabasePath = null, QueueCapacity = 2, OverflowCapacity = 0 };
            var counters = new PipelineCounters();
            using var signal = new WriterSignal();
            var queue = new DualQueue(options, counters, signal);
            SpoolFile spool = SpoolFile.Open(path);
            var spooler = new Spooler(queue, spool, new SpoolBarriers(), counters, options);
            queue.Spooler = spooler;
            for (int i = 0; i < 5; i++)
            {
                var record = new SpanRecord { Site = SpanFactory.Add, SpanId = (ulong)i + 1 };
                queue.Enqueue(ref record);
            }

            queue.Overflow.Count.ShouldBe(3);
            spool.Dispose(); // every write now fails, as on a disk that went away
            queue.Complete(); // shutdown closed the overflow queue
            Console.SetError(captured);
            spooler.Start();
            SpinWait.SpinUntil(() => captured.ToString().Contains("cannot write to the spool file", StringComparison.Ordinal), TimeSpan.FromSeconds(10))
                .ShouldBeTrue("the spooler tried");
            spooler.Stop();
            spooler.FlushOrCountLost(); // what the pipeline does before it closes the spool

            // The spool gathered them (appends reach the file at the spooler's flush), the flush failed: never in the
            // file, so lost, and counted as such.
            (queue.Overflow.Count + counters.DroppedBySpooler).ShouldBe(3);
            counters.Spilled.ShouldBe(0);
            spool.PendingRecords.ShouldBe(0);
            captured.ToString().ShouldContain("are lost (counted as dropped)");
        }
        finally
        {
            Console.SetError(original);
            File.Delete(path);
        }
    }
}
