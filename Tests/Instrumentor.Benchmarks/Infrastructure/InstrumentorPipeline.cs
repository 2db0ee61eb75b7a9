using System;

namespace Instrumentor.Benchmarks.Infrastructure;

/// <summary>Starts and stops the tracing pipeline around a benchmark, and proves afterwards that nothing was dropped.</summary>
internal static class InstrumentorPipeline
{
    /// <summary>
    /// Queue capacity of the benchmark pipelines. A BDN loop calls a monitored method ~10 million times a second,
    /// 40× what any store takes: with the default queue (16,384 slots, 1.5 ms of such a loop) a writer descheduled
    /// for a few ms lets it fill and records overflow (1.7% were dropped in one run). A larger ring keeps every
    /// measured call on the normal path; <see cref="Report"/> proves it (dropped = 0).
    /// </summary>
    internal const int QueueCapacity = 1 << 20;

    /// <summary>Runs the real writer thread with a sink that only counts (and notifies <paramref name="exporters"/> of each commit).</summary>
    internal static void StartWithNoopSink(params Instrumentor.Export.HttpExporter[] exporters)
    {
        var options = new MonitoringOptions
        {
            DatabasePath = null,
            QueueCapacity = QueueCapacity,
            QueueWarningThreshold = QueueCapacity,
            OverflowPolicy = OverflowPolicy.DropNewest,
        };
        RecordQueue.StartWith(options, new NoopSink(), exporters);
        WaitForClock();
    }

    /// <summary>
    /// Starts the span clock's calibration and waits for it (50 ms), so that every measured call reads the clock it
    /// will read in an application that has run for a while; prints which clock that is.
    /// </summary>
    internal static void WaitForClock()
    {
        SpanClock.EnsureStarted();
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!SpanClock.UsesTsc && TscReader.NotUsedBecause is null && waited.ElapsedMilliseconds < 2_000)
        {
            System.Threading.Thread.Sleep(10);
        }

        Console.WriteLine(SpanClock.UsesTsc
            ? "// span clock: the time-stamp counter (calibrated against the Stopwatch)"
            : $"// span clock: Stopwatch ({TscReader.NotUsedBecause ?? "not calibrated within 2 s"})");
    }

    /// <summary>Flushes, prints the pipeline counters (BDN shows them in the log) and stops the pipeline.</summary>
    internal static void Report(string benchmark)
    {
        bool flushed = Monitoring.FlushAsync(TimeSpan.FromSeconds(30)).GetAwaiter().GetResult();
        MonitoringStats stats = Monitoring.Stats;
        Console.WriteLine(
            $"// Instrumentor stats [{benchmark}]: flushed={flushed} enqueued={stats.Enqueued} written={stats.Written} " +
            $"dropped={stats.Dropped} errors={stats.Errors} queueDepth={stats.QueueDepth}");
        if (stats.Dropped > 0)
        {
            // DropNewest instead of the default Spill: a record that finds the default queue full is counted here
            // instead of going to the spool, so this line proves the queue never filled during the measurement.
            Console.WriteLine($"// WARNING: {stats.Dropped} records dropped ({100.0 * stats.Dropped / Math.Max(1, stats.Enqueued):F2}%): the writer did not keep up; the measured calls are not all on the normal path.");
        }

        Monitoring.Shutdown(TimeSpan.FromSeconds(10));
    }
}
