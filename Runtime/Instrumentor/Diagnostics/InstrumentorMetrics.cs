using System;
using System.Collections.Generic;
using System.Diagnostics.Metrics;

namespace Instrumentor;

/// <summary>
/// The pipeline's counters on Meter "Instrumentor" (visible to OpenTelemetry, dotnet-counters): the same exact
/// numbers as <see cref="Monitoring.Stats"/>, plus a histogram of batch write latency.
/// </summary>
internal static class InstrumentorMetrics
{
    internal const string MeterName = "Instrumentor";

    private static readonly Meter s_meter = new(MeterName, "1.0.0");
    private static readonly Histogram<double> s_writeLatency =
        s_meter.CreateHistogram<double>("instrumentor.write.latency", "ms", "Time to commit one batch to the store.");

    private static readonly Histogram<double> s_exportLatency =
        s_meter.CreateHistogram<double>("instrumentor.export.latency", "ms", "Time from sending a request to the collector's 2xx, retries included.");

    static InstrumentorMetrics()
    {
        Counter("instrumentor.spans.enqueued", s => s.Enqueued, "Spans produced by monitored calls.");
        Counter("instrumentor.spans.written", s => s.Written, "Spans committed to the store.");
        Counter("instrumentor.spans.errors", s => s.Errors, "Error spans produced.");
        Counter("instrumentor.spans.overflowed", s => s.Overflowed, "Spans that did not fit in the bounded queue.");
        Counter("instrumentor.spans.recovered", s => s.Recovered, "Overflowed spans written from memory.");
        Counter("instrumentor.spans.spilled", s => s.Spilled, "Overflowed spans written to the spool file.");
        Counter("instrumentor.spans.replayed", s => s.Replayed, "Spans committed from the spool file.");
        Counter("instrumentor.spans.dropped", s => s.Dropped, "Spans lost, each counted.");
        Counter("instrumentor.spans.rejected", s => s.Rejected, "Spans the store rejected on their own, saved to the .rejected file.");
        s_meter.CreateObservableGauge("instrumentor.queue.depth", () => Current().QueueDepth, "{span}", "Spans waiting to be written.");
        s_meter.CreateObservableGauge("instrumentor.write.lag", () => Current().WriteLagSeconds, "s", "Age of the oldest span of the last batch at commit.");
        ExportCounter("instrumentor.export.sent", c => c.Sent, "Spans the collector acknowledged, by exporter.");
        ExportCounter("instrumentor.export.failed", c => c.Failed, "Requests that failed after their retries (the spans stay in the outbox), by exporter.");
        ExportCounter("instrumentor.export.retried", c => c.Retried, "Retried requests, by exporter.");
        ExportCounter("instrumentor.export.rejected", c => c.Rejected, "Spans the collector refused as bad input, set aside, by exporter.");
        s_meter.CreateObservableGauge("instrumentor.export.backlog", () => Exports(c => c.Backlog), "{span}", "Committed spans not yet acknowledged, by exporter.");
        s_meter.CreateObservableGauge("instrumentor.export.circuit", () => Exports(c => (long)c.CircuitState), null,
            "Circuit state of the exporter: 0 closed, 1 open, 2 half-open, 3 isolated.");
    }

    /// <summary>Makes sure the instruments exist (the static constructor runs once).</summary>
    internal static void EnsureCreated()
    {
    }

    internal static void RecordWriteLatency(TimeSpan elapsed) => s_writeLatency.Record(elapsed.TotalMilliseconds);

    internal static void RecordExportLatency(string exporter, TimeSpan elapsed) =>
        s_exportLatency.Record(elapsed.TotalMilliseconds, new KeyValuePair<string, object?>("exporter", exporter));

    private static void ExportCounter(string name, Func<Export.ExportCounters, long> read, string description) =>
        s_meter.CreateObservableCounter(name, () => Exports(read), "{span}", description);

    private static IEnumerable<Measurement<long>> Exports(Func<Export.ExportCounters, long> read)
    {
        if (RecordQueue.Current is not { } pipeline)
        {
            yield break;
        }

        foreach (Export.HttpExporter exporter in pipeline.Exporters)
        {
            yield return new Measurement<long>(read(exporter.Counters), new KeyValuePair<string, object?>("exporter", exporter.Name));
        }
    }

    private static void Counter(string name, Func<MonitoringStats, long> read, string description) =>
        s_meter.CreateObservableCounter(name, () => read(Current()), "{span}", description);

    private static MonitoringStats Current() => RecordQueue.Current?.Stats ?? default;
}
