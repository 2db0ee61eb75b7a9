using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Reflection;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;

namespace Instrumentor.Logging;

/// <summary>
/// The <see cref="ILoggerProvider"/> added by <see cref="InstrumentorLoggingExtensions.AddInstrumentor"/>: one pipeline
/// (bounded buffer, batching worker) feeding the outputs the options turn on. Alias <c>Instrumentor</c>, so
/// <c>"Logging:Instrumentor:LogLevel"</c> filters it and <c>"Logging:Instrumentor"</c> configures it.
/// </summary>
[ProviderAlias("Instrumentor")]
public sealed class InstrumentorLoggerProvider : ILoggerProvider, ISupportExternalScope, IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, InstrumentorLogger> _loggers = new(StringComparer.Ordinal);
    private readonly Sink _sink;
    private readonly LogPipeline _pipeline;

    /// <summary>Creates the provider and its outputs.</summary>
    /// <exception cref="ArgumentException">The options are invalid (the message names the setting).</exception>
    public InstrumentorLoggerProvider(InstrumentorLoggerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var counters = new LoggingCounters();
        var outputs = new List<ILogOutput>();
        string? service = options.Service ?? Assembly.GetEntryAssembly()?.GetName().Name;
        if (options.Endpoint is not null)
        {
            outputs.Add(new CollectorOutput(options, counters));
        }

        if (options.OtlpEndpoint is not null)
        {
            outputs.Add(new CollectorOutput(options, counters, otlp: true, service));
        }

        if (options.FilePath is { } file)
        {
            outputs.Add(new JsonLinesFileOutput(file, counters));
        }

        if (options.Store)
        {
            string path = options.StorePath
                ?? (Environment.GetEnvironmentVariable("INSTRUMENTOR_DB") is { Length: > 0 } db ? db : "traces.db");
            outputs.Add(new StoreOutput(path, service, counters));
        }

        _sink = new Sink(options.MinLevel, service, counters);
        _pipeline = new LogPipeline(options, outputs, counters);
        _sink.Pipeline = _pipeline;
    }

    internal LoggingCounters Counters => _pipeline.Counters;

    internal IReadOnlyList<ILogOutput> Outputs => _pipeline.Outputs;

    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName) =>
        _loggers.GetOrAdd(categoryName, static (name, sink) => new InstrumentorLogger(name, sink), (ILogRecordSink)_sink);

    /// <inheritdoc />
    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _sink.Scopes = scopeProvider;

    /// <summary>Completes when every line logged before the call has gone to the outputs (or to the fallback file).</summary>
    public Task FlushAsync(CancellationToken cancellationToken = default) => _pipeline.FlushAsync(cancellationToken);

    /// <summary>Delivers what is buffered (3 s at most) and closes the outputs.</summary>
    public void Dispose() => _pipeline.ShutdownAsync(TimeSpan.FromSeconds(3)).GetAwaiter().GetResult();

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _pipeline.DisposeAsync();

    private sealed class Sink(LogLevel minLevel, string? service, LoggingCounters counters) : ILogRecordSink
    {
        internal LogPipeline? Pipeline;

        public LogLevel MinLevel => minLevel;

        public string? Service => service;

        public IExternalScopeProvider? Scopes { get; set; }

        public LoggingCounters Counters => counters;

        public void Add(LogRecord record) => Pipeline!.Add(record);
    }
}
