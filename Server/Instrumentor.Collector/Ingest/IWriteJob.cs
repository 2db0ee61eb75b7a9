using System;
using Instrumentor.Collector.Store;

namespace Instrumentor.Collector.Ingest;

/// <summary>Work queued for the <see cref="IngestWriter"/>.</summary>
internal interface IWriteJob
{
    /// <summary>When it was queued (<see cref="System.Diagnostics.Stopwatch"/> ticks): the write lag is measured from here.</summary>
    long EnqueuedTimestamp { get; }

    /// <summary>Spans it writes (for the ingest rate).</summary>
    int SpanCount { get; }

    /// <summary>Runs on the writer thread; never throws (a failure completes the job's task).</summary>
    void Execute(ITraceStore store);

    /// <summary>Fails a job that will never run (the writer stopped).</summary>
    void Cancel(Exception reason);
}
