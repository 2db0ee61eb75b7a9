using System;
using System.Collections.Generic;

namespace Instrumentor.Testing;

/// <summary>
/// Runs a test against a fresh pipeline writing to a <see cref="RecordingSink"/>; disposing shuts it down.
/// </summary>
internal sealed class TracingScope : IDisposable
{
    private TracingScope(RecordingSink sink, Pipeline pipeline)
    {
        Sink = sink;
        Pipeline = pipeline;
    }

    public RecordingSink Sink { get; }

    public Pipeline Pipeline { get; }

    public static TracingScope Start(Action<MonitoringOptions>? configure = null, RecordingSink? sink = null)
    {
        // Each scope has its own spool file, so no test replays another's spilled records.
        string ownSpool = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "instrumentor-test-" + Guid.NewGuid().ToString("N") + ".spool");
        var options = new MonitoringOptions { DatabasePath = null, SpoolPath = ownSpool };
        configure?.Invoke(options);
        sink ??= new RecordingSink();
        return new TracingScope(sink, RecordQueue.StartWith(options, sink)) { SpoolPath = options.EffectiveSpoolPath, _ownsSpool = options.SpoolPath == ownSpool };
    }

    public string SpoolPath { get; private init; } = "";

    /// <summary>Where the writer sets aside records the sink rejects.</summary>
    public string RejectedPath => System.IO.Path.ChangeExtension(SpoolPath, ".rejected");

    private bool _ownsSpool;

    /// <summary>Flushes, then returns every span committed so far.</summary>
    public IReadOnlyList<RecordedSpan> Flush()
    {
        if (!Pipeline.FlushAsync(TimeSpan.FromSeconds(30)).GetAwaiter().GetResult())
        {
            throw new TimeoutException("flush did not complete");
        }

        return Sink.Spans;
    }

    public void Dispose()
    {
        Monitoring.Shutdown(TimeSpan.FromSeconds(5));
        if (_ownsSpool)
        {
            System.IO.File.Delete(SpoolPath);
            System.IO.File.Delete(RejectedPath);
        }
    }
}
