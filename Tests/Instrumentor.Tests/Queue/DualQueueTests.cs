using System;
using System.IO;

namespace Instrumentor.Tests.Queue;

public class DualQueueTests
{
    private string _spoolPath = "";

    [SetUp]
    public void SetUp() => _spoolPath = Path.Combine(Path.GetTempPath(), "instrumentor-test-" + Guid.NewGuid().ToString("N") + ".spool");

    [TearDown]
    public void TearDown()
    {
        File.Delete(_spoolPath);
        File.Delete(_spoolPath + ".lock");
    }

    [Test]
    public void Past_the_spool_limit_an_overflowing_normal_record_is_dropped_at_once_instead_of_growing_the_overflow_queue()
    {
        // The spooler's thread is not started: without the change, every record past the ring waited in memory.
        var options = new MonitoringOptions { DatabasePath = null, QueueCapacity = 2, OverflowCapacity = 10, SpoolLimitBytes = 1 };
        var counters = new PipelineCounters();
        using var signal = new WriterSignal();
        var queue = new DualQueue(options, counters, signal);
        using SpoolFile spool = SpoolFile.Open(_spoolPath);
        var spooler = new Spooler(queue, spool, new SpoolBarriers(), counters, options);
        queue.Spooler = spooler;
        var refused = new SpanRecord { Site = SpanFactory.Add, SpanId = 1 };
        spooler.Spill(refused); // the spool is past its 1-byte limit: the record is dropped, the spooler is at its limit
        spooler.AtLimit.ShouldBeTrue();
        counters.DroppedBySpooler.ShouldBe(1);

        int enqueued = 0;
        while (!queue.Overflow.IsOverCapacity)
        {
            var record = new SpanRecord { Site = SpanFactory.Add, SpanId = (ulong)++enqueued + 1 };
            queue.Enqueue(ref record);
        }

        long held = queue.Overflow.Count;
        for (int i = 0; i < 1_000; i++)
        {
            var record = new SpanRecord { Site = SpanFactory.Add, SpanId = (ulong)(enqueued + i) + 2 };
            queue.Enqueue(ref record);
        }

        queue.Overflow.Count.ShouldBe(held, "the overflow queue does not grow while the spool is full");
        counters.DroppedAtEnqueue.ShouldBe(1_000);
        var error = new SpanRecord { Site = SpanFactory.Add, SpanId = 5_000, Status = SpanStatus.Error };
        queue.Enqueue(ref error);
        counters.Errors.ShouldBe(1, "error records are still kept");
        counters.DroppedAtEnqueue.ShouldBe(1_000);
    }

    [Test]
    public void Below_the_spool_limit_an_overflowing_record_waits_in_the_overflow_queue_for_the_spooler()
    {
        var options = new MonitoringOptions { DatabasePath = null, QueueCapacity = 2, OverflowCapacity = 10 };
        var counters = new PipelineCounters();
        using var signal = new WriterSignal();
        var queue = new DualQueue(options, counters, signal);
        using SpoolFile spool = SpoolFile.Open(_spoolPath);
        queue.Spooler = new Spooler(queue, spool, new SpoolBarriers(), counters, options);

        for (int i = 0; i < 1_000; i++)
        {
            var record = new SpanRecord { Site = SpanFactory.Add, SpanId = (ulong)i + 1 };
            queue.Enqueue(ref record);
        }

        queue.Spooler.AtLimit.ShouldBeFalse();
        counters.DroppedAtEnqueue.ShouldBe(0);
        (queue.Normal.Count + queue.Overflow.Count).ShouldBe(1_000, "past its capacity the overflow queue waits for the spooler to move records to disk");
    }
}
