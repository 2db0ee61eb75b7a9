using System;
using System.Collections.Generic;
using System.Threading;

namespace Instrumentor;

/// <summary>
/// The entry point of generated code into the pipeline. The first record starts the pipeline with the options
/// given to <see cref="Monitoring.Configure"/> (or the defaults): zero configuration works.
/// </summary>
internal static class RecordQueue
{
    private static readonly object s_lock = new();
    private static Pipeline? s_current;
    private static MonitoringOptions? s_configured;
    private static bool s_processExiting;
    private static bool s_exitHandlerInstalled;

    /// <summary>The running pipeline, or <see langword="null"/> before the first monitored call.</summary>
    internal static Pipeline? Current => Volatile.Read(ref s_current);

    /// <summary>Adds a finished span to the running pipeline, starting it if needed.</summary>
    internal static void Enqueue(ref SpanRecord record) => (Volatile.Read(ref s_current) ?? EnsureStarted()).Enqueue(ref record);

    /// <summary>Stores the options used by the next pipeline start.</summary>
    /// <exception cref="InvalidOperationException">A pipeline is already running.</exception>
    internal static void Configure(MonitoringOptions options)
    {
        options.Validate();
        lock (s_lock)
        {
            if (s_current is not null)
            {
                throw new InvalidOperationException(
                    "Monitoring.Configure must be called before the first monitored call (or after Monitoring.Shutdown): " +
                    "the pipeline is already running with its options.");
            }

            s_configured = options.Clone();
        }
    }

    /// <summary>Starts the pipeline if it is not running.</summary>
    internal static Pipeline EnsureStarted()
    {
        lock (s_lock)
        {
            if (s_current is { } running)
            {
                return running;
            }

            MonitoringOptions options = s_configured?.Clone() ?? new MonitoringOptions();
            Pipeline pipeline = Pipeline.Create(options);
            if (s_processExiting)
            {
                // Calls made while the process exits: nothing will write them; they are counted as dropped.
                pipeline.Shutdown(TimeSpan.Zero);
            }

            InstallExitHandler();
            Volatile.Write(ref s_current, pipeline);
            return pipeline;
        }
    }

    /// <summary>
    /// Makes <paramref name="options"/> the configured options and starts a pipeline with them now (the host's start).
    /// A pipeline that was already running (a monitored call made before the host started) is replaced: it is
    /// flushed and stopped after the new one took over, so no record is lost. Returns the replaced pipeline's
    /// options, or <see langword="null"/>.
    /// </summary>
    /// <exception cref="ArgumentException">An option is invalid; the message names it.</exception>
    internal static MonitoringOptions? Restart(MonitoringOptions options)
    {
        options.Validate();
        Pipeline? previous;
        lock (s_lock)
        {
            previous = s_current;
            s_configured = options.Clone();
            Pipeline pipeline = Pipeline.Create(s_configured.Clone());
            InstallExitHandler();
            Volatile.Write(ref s_current, pipeline);
        }

        previous?.Shutdown(previous.Options.ShutdownTimeout);
        return previous?.Options;
    }

    /// <summary>Replaces the running pipeline with one writing to <paramref name="sink"/> (tests, custom sinks).</summary>
    internal static Pipeline StartWith(MonitoringOptions options, ISpanSink sink) => StartWith(options, sink, Array.Empty<Export.HttpExporter>());

    /// <summary>As <see cref="StartWith(MonitoringOptions, ISpanSink)"/>, with <paramref name="exporters"/> notified of each commit (benchmarks).</summary>
    internal static Pipeline StartWith(MonitoringOptions options, ISpanSink sink, IReadOnlyList<Export.HttpExporter> exporters)
    {
        Shutdown(TimeSpan.FromSeconds(5));
        lock (s_lock)
        {
            var pipeline = new Pipeline(options, sink, exporters);
            InstallExitHandler();
            Volatile.Write(ref s_current, pipeline);
            return pipeline;
        }
    }

    /// <summary>Stops the running pipeline; the next monitored call starts a new one.</summary>
    internal static bool Shutdown(TimeSpan timeout) => Shutdown(timeout, out _);

    /// <summary>
    /// Stops the running pipeline; <paramref name="final"/> is its counters once settled (after the stop,
    /// <see cref="Monitoring.Stats"/> no longer sees that pipeline).
    /// </summary>
    internal static bool Shutdown(TimeSpan timeout, out MonitoringStats final)
    {
        Pipeline? pipeline;
        lock (s_lock)
        {
            pipeline = s_current;
            s_current = null;
        }

        if (pipeline is null)
        {
            final = default;
            return true;
        }

        return pipeline.Shutdown(timeout, out final);
    }

    private static void InstallExitHandler()
    {
        if (s_exitHandlerInstalled)
        {
            return;
        }

        s_exitHandlerInstalled = true;
        AppDomain.CurrentDomain.ProcessExit += static (_, _) => ShutdownAtExit();

        // An unhandled exception ends the process without ProcessExit: the error record of the very exception that
        // kills it (queued by the wrapper's exception filter, which ran before the runtime found no handler) would
        // be lost with the queues. Flush and stop within the same budget as at a normal exit.
        AppDomain.CurrentDomain.UnhandledException += static (_, e) =>
        {
            if (e.IsTerminating)
            {
                ShutdownAtExit();
            }
        };
    }

    private static void ShutdownAtExit()
    {
        try
        {
            Pipeline? pipeline;
            lock (s_lock)
            {
                s_processExiting = true;
                pipeline = s_current;
            }

            pipeline?.Shutdown(pipeline.Options.ShutdownTimeout);
        }
        catch (Exception)
        {
            // Nothing the tracer does may change how the process ends.
        }
    }
}
