using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;

namespace Instrumentor.Logging;

/// <summary>
/// Logs for code without a host (the seed's <c>BufferedLogger</c>): <see cref="Logger"/> keeps lines in memory,
/// stamped like the provider's; <see cref="FlushAsync"/> ships them to the collector and returns its answer;
/// <see cref="TraceScope"/> opens a span whose lines are flushed when it ends. Thread-safe. A batch whose answer
/// was lost keeps its batch id, so flushing again cannot store it twice.
/// </summary>
public sealed class BufferedLogger : IDisposable
{
    private readonly object _gate = new();
    private readonly InstrumentorLoggerOptions _options;
    private readonly Sink _sink;
    private List<LogRecord> _buffer = [];
    // A batch sent but not acknowledged: sent first, under the same id, by the next flush.
    private (List<LogRecord> Records, string BatchId)? _unacknowledged;

    /// <summary>A logger that ships to <paramref name="endpoint"/> (e.g. <c>http://127.0.0.1:4318/api/ingest</c>).</summary>
    /// <exception cref="ArgumentException"><paramref name="endpoint"/> is not an absolute http(s) URL.</exception>
    public BufferedLogger(string endpoint, LogLevel minLevel = LogLevel.Information)
        : this(new InstrumentorLoggerOptions { Endpoint = LogShipper.ParseEndpoint(endpoint), MinLevel = minLevel })
    {
    }

    /// <summary>A logger with the given options (<see cref="InstrumentorLoggerOptions.Endpoint"/> required).</summary>
    public BufferedLogger(InstrumentorLoggerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Endpoint is null)
        {
            throw new ArgumentException("a BufferedLogger needs an Endpoint", nameof(options));
        }

        options.Validate();
        _options = options;
        _sink = new Sink(this);
        Logger = new InstrumentorLogger("BufferedLogger", _sink);
    }

    /// <summary>The logger whose lines this buffers.</summary>
    public ILogger Logger { get; }

    /// <summary>A logger of another category into the same buffer.</summary>
    public ILogger CreateLogger(string category) => new InstrumentorLogger(category, _sink);

    /// <summary>The lines buffered and not yet flushed.</summary>
    public IReadOnlyList<LogRecord> Records
    {
        get
        {
            lock (_gate)
            {
                return _buffer.ToArray();
            }
        }
    }

    /// <summary>Drops the buffered lines (not a batch already sent and awaiting its answer).</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _buffer = [];
        }
    }

    /// <summary>
    /// Ships the buffered lines as one batch and returns the collector's answer. On failure the lines stay buffered
    /// (under the same batch id) and the exception says why.
    /// </summary>
    /// <exception cref="LogShipmentException">The collector was unreachable or refused the batch.</exception>
    public async Task<LogIngestResult> FlushAsync(CancellationToken cancellationToken = default)
    {
        List<LogRecord> records;
        string batchId;
        lock (_gate)
        {
            if (_unacknowledged is null)
            {
                if (_buffer.Count == 0)
                {
                    return default;
                }

                _unacknowledged = (_buffer, Guid.CreateVersion7().ToString("N"));
                _buffer = [];
            }

            (records, batchId) = _unacknowledged.Value;
        }

        LogIngestResult result = await LogShipper.SendAsync(records, batchId, _options, cancellationToken).ConfigureAwait(false);
        lock (_gate)
        {
            _unacknowledged = null;
        }

        // Lines logged while the first batch was on its way go now too: a flush ships everything logged before it.
        if (Records.Count > 0)
        {
            LogIngestResult more = await FlushAsync(cancellationToken).ConfigureAwait(false);
            result = new LogIngestResult(result.Ingested + more.Ingested, result.Duplicates + more.Duplicates);
        }

        return result;
    }

    /// <summary>
    /// Starts a span named <paramref name="name"/> (a W3C <see cref="Activity"/>, so lines and <c>[Monitor]</c> calls
    /// inside it share its trace id): a root unless a span is current. Disposing it ends the span and flushes its
    /// lines (a failed flush keeps them buffered; it never throws).
    /// </summary>
    public IDisposable TraceScope(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var activity = new Activity(name);
        activity.SetIdFormat(ActivityIdFormat.W3C);
        activity.Start();
        return new Scope(this, activity);
    }

    /// <summary>Flushes what is buffered (3 s at most), never throwing.</summary>
    public void Dispose() => TryFlush();

    private void TryFlush()
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(3));
            FlushAsync(timeout.Token).GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is LogShipmentException or OperationCanceledException)
        {
            SelfDiagnostics.Warning($"Instrumentor.Logging: BufferedLogger flush failed, lines kept: {e.Message}");
        }
    }

    private sealed class Scope(BufferedLogger owner, Activity activity) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                activity.Stop();
                owner.TryFlush();
            }
        }
    }

    private sealed class Sink(BufferedLogger owner) : ILogRecordSink
    {
        public LogLevel MinLevel => owner._options.MinLevel;

        public string? Service => owner._options.Service;

        public IExternalScopeProvider? Scopes { get; } = new LoggerExternalScopeProvider();

        public LoggingCounters Counters { get; } = new();

        public void Add(LogRecord record)
        {
            lock (owner._gate)
            {
                owner._buffer.Add(record);
            }
        }
    }
}
