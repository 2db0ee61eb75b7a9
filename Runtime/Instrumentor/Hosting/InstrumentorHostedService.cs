using System;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Instrumentor.Hosting;

/// <summary>
/// Ties the process-wide tracing pipeline to the host's lifetime. It starts the pipeline with the validated options
/// before any other hosted service starts (<see cref="StartingAsync"/>), flushes it when the host stops
/// (<see cref="StopAsync"/>), and shuts it down once every hosted service, the web server included, has stopped
/// (<see cref="StoppedAsync"/>), so the spans of requests drained during shutdown are written too.
/// </summary>
internal sealed partial class InstrumentorHostedService : IHostedLifecycleService
{
    private readonly IOptions<MonitoringOptions> _options;
    private readonly ILogger _logger;
    private int _started;

    public InstrumentorHostedService(IOptions<MonitoringOptions> options, ILoggerFactory? loggerFactory = null)
    {
        _options = options;
        _logger = (ILogger?)loggerFactory?.CreateLogger<InstrumentorHostedService>() ?? NullLogger.Instance;
    }

    public Task StartingAsync(CancellationToken cancellationToken)
    {
        Start();
        return Task.CompletedTask;
    }

    /// <summary>Starts the pipeline if <see cref="StartingAsync"/> did not (a host that does not call lifecycle methods).</summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        Start();
        return Task.CompletedTask;
    }

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Makes everything recorded so far durable, within <see cref="MonitoringOptions.ShutdownTimeout"/>.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        TimeSpan budget = _options.Value.ShutdownTimeout;
        bool flushed;
        try
        {
            flushed = await Monitoring.FlushAsync(budget).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            flushed = false;
        }

        if (!flushed)
        {
            LogFlushIncomplete(_logger, budget);
        }
    }

    /// <summary>Writes what the last hosted services recorded while stopping, then stops the pipeline.</summary>
    public Task StoppedAsync(CancellationToken cancellationToken)
    {
        // The counters come from the shutdown itself: once stopped, Monitoring.Stats no longer sees the pipeline.
        if (!RecordQueue.Shutdown(_options.Value.ShutdownTimeout, out MonitoringStats stats))
        {
            LogRecordsLost(_logger, stats.Dropped);
        }

        return Task.CompletedTask;
    }

    private void Start()
    {
        if (Interlocked.Exchange(ref _started, 1) != 0)
        {
            return;
        }

        MonitoringOptions options = _options.Value;
        MonitoringOptions? replaced = RecordQueue.Restart(options);
        if (replaced is not null)
        {
            LogEarlyCallsReplaced(_logger, replaced.DatabasePath ?? "(no store)");
        }

        LogStarted(_logger, options.DatabasePath ?? "(no store)", options.ServiceName ?? "");
    }

    [LoggerMessage(1, LogLevel.Information, "Instrumentor: tracing to {DatabasePath} as service '{ServiceName}'")]
    private static partial void LogStarted(ILogger logger, string databasePath, string serviceName);

    [LoggerMessage(2, LogLevel.Warning,
        "Instrumentor: monitored methods were called before the host started; those spans were written with the default options (to {DatabasePath}). The configured options apply from now on.")]
    private static partial void LogEarlyCallsReplaced(ILogger logger, string databasePath);

    [LoggerMessage(3, LogLevel.Warning, "Instrumentor: the traces could not all be written within {Budget} while the host stopped.")]
    private static partial void LogFlushIncomplete(ILogger logger, TimeSpan budget);

    [LoggerMessage(4, LogLevel.Error, "Instrumentor: trace records were lost at shutdown ({Dropped} dropped in total).")]
    private static partial void LogRecordsLost(ILogger logger, long dropped);
}
