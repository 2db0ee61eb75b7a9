using System;

namespace Instrumentor.Benchmarks.Infrastructure;

/// <summary>Starts and stops the tracing pipeline around a benchmark, and proves afterwards that nothing was dropped.</summary>
internal static class InstrumentorPipeline
{
    /// <summary>
    /// Queue capacity of the benchmark pipelines: large enough that a burst of a BDN iteration never finds the
    /// bounded queue full while the writer drains it on the other core.
    /// </summary>
    internal const int QueueCapacity = 1_000_000;

    /// <summary>Runs the real writer thread with a sink that only counts.</summary>
    internal static void StartWithNoopSink()
    {
        var options = new MonitoringOptions
        {
            DatabasePath = null,
            QueueCapacity = QueueCapacity,
            QueueWarningThreshold = QueueCapacity,
        };
        RecordQueue.StartWith(options, new NoopSink());
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
            Console.WriteLine($"// WARNING: {stats.Dropped} records dropped ({100.0 * stats.Dropped / Math.Max(1, stats.Enqueued):F2}%): the writer did not keep up; raise QueueCapacity.");
        }

        Monitoring.Shutdown(TimeSpan.FromSeconds(10));
    }
}
