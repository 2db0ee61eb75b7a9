namespace Instrumentor.Benchmarks.Targets;

/// <summary>The monitored calls of the export run (Export/ExportRun.cs): the argument identifies the span in the collector.</summary>
public static class ExportProbe
{
    /// <summary>One span of the latency probe.</summary>
    [Monitor(ProcessGroup = "export-bench")]
    public static long Latency(long n) => n;

    /// <summary>One span of the throughput runs.</summary>
    [Monitor(ProcessGroup = "export-bench")]
    public static long Bulk(long n) => n;
}
