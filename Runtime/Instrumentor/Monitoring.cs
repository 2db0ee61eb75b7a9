using System;
using System.Threading.Tasks;

namespace Instrumentor;

/// <summary>
/// The tracing pipeline's front door. Nothing here is required: the first monitored call starts the pipeline
/// with the defaults (SQLite at <c>./traces.db</c> or <c>INSTRUMENTOR_DB</c>), and process exit flushes it
/// within <see cref="MonitoringOptions.ShutdownTimeout"/>.
/// </summary>
public static class Monitoring
{
    /// <summary>
    /// Sets the options of the pipeline. Call it before the first monitored call (or after <see cref="Shutdown(TimeSpan)"/>).
    /// </summary>
    /// <param name="configure">Changes the options, starting from the defaults.</param>
    /// <exception cref="ArgumentException">An option is invalid; the message names it.</exception>
    /// <exception cref="InvalidOperationException">The pipeline is already running.</exception>
    public static void Configure(Action<MonitoringOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var options = new MonitoringOptions();
        configure(options);
        RecordQueue.Configure(options);
    }

    /// <summary>
    /// Waits until every span recorded before this call is committed to the store.
    /// </summary>
    /// <param name="timeout">How long to wait at most.</param>
    /// <returns><see langword="true"/> when everything was committed in time.</returns>
    public static Task<bool> FlushAsync(TimeSpan timeout)
    {
        Pipeline? pipeline = RecordQueue.Current;
        return pipeline is null ? Task.FromResult(true) : pipeline.FlushAsync(timeout);
    }

    /// <summary>Waits up to 10 seconds until every span recorded before this call is committed.</summary>
    /// <returns><see langword="true"/> when everything was committed in time.</returns>
    public static Task<bool> FlushAsync() => FlushAsync(TimeSpan.FromSeconds(10));

    /// <summary>
    /// Writes what is queued (within <paramref name="timeout"/>), then stops the pipeline and closes the store.
    /// A later monitored call starts a new pipeline.
    /// </summary>
    /// <param name="timeout">The budget for writing what is still queued.</param>
    /// <returns><see langword="true"/> when nothing was lost.</returns>
    public static bool Shutdown(TimeSpan timeout) => RecordQueue.Shutdown(timeout);

    /// <summary>Stops the pipeline with the default budget (<see cref="MonitoringOptions.DefaultShutdownTimeout"/>).</summary>
    /// <returns><see langword="true"/> when nothing was lost.</returns>
    public static bool Shutdown() => Shutdown(MonitoringOptions.DefaultShutdownTimeout);

    /// <summary>
    /// Tags every span started inside the scope (in this async flow and the work it starts: <c>await</c>,
    /// <c>Task.Run</c>, like the span context) with another system's info than the process's own, for a process that
    /// works on behalf of several systems. The exporter sends those spans under that system, and the collector keeps
    /// them per instance. Dispose the scope to return to the system that was current before.
    /// </summary>
    /// <param name="systemName">A name people recognise (stored as the spans' service).</param>
    /// <param name="systemId">Stable across restarts of that system.</param>
    /// <param name="systemInstanceId">One running instance of it.</param>
    /// <returns>The scope; dispose it to end it.</returns>
    /// <exception cref="ArgumentException">A value is empty, white space or longer than 200 characters.</exception>
    public static IDisposable BeginSystem(string systemName, string systemId, string systemInstanceId) =>
        SystemScope.Begin(systemName, systemId, systemInstanceId);

    /// <summary>The exact counters of the running pipeline (all zero before the first monitored call).</summary>
    public static MonitoringStats Stats => RecordQueue.Current?.Stats ?? default;
}
