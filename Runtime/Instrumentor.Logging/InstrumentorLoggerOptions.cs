using System;
using Microsoft.Extensions.Logging;

namespace Instrumentor.Logging;

/// <summary>
/// Where and how log lines go. Any combination of outputs: the collector (<see cref="Endpoint"/>), an OTLP/HTTP
/// receiver (<see cref="OtlpEndpoint"/>), a JSON Lines file (<see cref="FilePath"/>) and the local trace store
/// (<see cref="Store"/>). Bound from <c>"Logging:Instrumentor"</c>
/// by <see cref="InstrumentorLoggingExtensions.AddInstrumentor"/>.
/// </summary>
public sealed class InstrumentorLoggerOptions
{
    /// <summary>Default <see cref="BatchSize"/>.</summary>
    public const int DefaultBatchSize = 500;

    /// <summary>Default <see cref="BufferCapacity"/>.</summary>
    public const int DefaultBufferCapacity = 100_000;

    /// <summary>Default <see cref="Interval"/>: 1 second.</summary>
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(1);

    /// <summary>The collector's log endpoint, e.g. <c>http://127.0.0.1:4318/api/ingest</c>; null: no collector output.</summary>
    public Uri? Endpoint { get; set; }

    /// <summary>
    /// An OTLP/HTTP receiver's base endpoint, e.g. <c>http://otel-collector:4318</c> (an OpenTelemetry Collector, or
    /// <c>instrumentor serve</c>): lines go to <c>{OtlpEndpoint}/v1/logs</c> as OTLP protobuf, with the same batching,
    /// retries, circuit breaker and fallback file (its own, next to <see cref="FallbackPath"/> with the extension
    /// <c>.otlp.jsonl</c>) as the collector output; null: no OTLP output.
    /// </summary>
    public Uri? OtlpEndpoint { get; set; }

    /// <summary>Sent as <c>Authorization: Bearer …</c> (to the collector and the OTLP endpoint) when a key is required.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Lines below this level are not recorded. Default <see cref="LogLevel.Information"/>.</summary>
    public LogLevel MinLevel { get; set; } = LogLevel.Information;

    /// <summary>A JSON Lines file every line is appended to (one JSON object a line); null: no file output.</summary>
    public string? FilePath { get; set; }

    /// <summary>Whether lines are written into the local trace store's <c>log</c> table (view <c>logs</c>).</summary>
    public bool Store { get; set; }

    /// <summary>The local store's file; default <c>INSTRUMENTOR_DB</c>, else <c>traces.db</c> (the spans' store).</summary>
    public string? StorePath { get; set; }

    /// <summary>
    /// Where batches the collector could not take wait (JSON Lines, one batch a line, with its batch id) until they
    /// are replayed; default <c>instrumentor-logs.pending.jsonl</c> in the current directory.
    /// </summary>
    public string? FallbackPath { get; set; }

    /// <summary>Whether request bodies are gzip-compressed. Default true.</summary>
    public bool Compress { get; set; } = true;

    /// <summary>Lines per batch at most. Default <see cref="DefaultBatchSize"/>.</summary>
    public int BatchSize { get; set; } = DefaultBatchSize;

    /// <summary>A batch leaves at least this often when lines wait. Default <see cref="DefaultInterval"/>.</summary>
    public TimeSpan Interval { get; set; } = DefaultInterval;

    /// <summary>Lines the buffer holds; when full, the logging thread waits for room (nothing is dropped).</summary>
    public int BufferCapacity { get; set; } = DefaultBufferCapacity;

    /// <summary>Retries of one batch before it goes to the fallback file. Default 3.</summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>The first retry's delay (exponential, with jitter). Default 200 ms.</summary>
    public TimeSpan RetryBackoff { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Failed sends in a row that open the circuit (no sends, batches go straight to the fallback). Default 5.</summary>
    public int CircuitBreakerFailures { get; set; } = 5;

    /// <summary>How long the circuit stays open before a probe. Default 5 s.</summary>
    public TimeSpan CircuitBreakDuration { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Timeout of one attempt. Default 5 s.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The <c>service</c> of every line; default the entry assembly's name.</summary>
    public string? Service { get; set; }

    /// <summary>Checks the options; the message names the bad setting.</summary>
    /// <exception cref="ArgumentException">A setting is invalid.</exception>
    public void Validate()
    {
        if (Endpoint is { } endpoint && (!endpoint.IsAbsoluteUri || (endpoint.Scheme != Uri.UriSchemeHttp && endpoint.Scheme != Uri.UriSchemeHttps)))
        {
            throw new ArgumentException($"Logging:Instrumentor:Endpoint must be an absolute http:// or https:// URL such as http://127.0.0.1:4318/api/ingest, not '{endpoint.OriginalString}'");
        }

        if (OtlpEndpoint is { } otlp && (!otlp.IsAbsoluteUri || (otlp.Scheme != Uri.UriSchemeHttp && otlp.Scheme != Uri.UriSchemeHttps)))
        {
            throw new ArgumentException($"Logging:Instrumentor:OtlpEndpoint must be an absolute http:// or https:// URL such as http://127.0.0.1:4318, not '{otlp.OriginalString}'");
        }

        Require(BatchSize >= 1, "BatchSize must be at least 1");
        Require(BufferCapacity >= 1, "BufferCapacity must be at least 1");
        Require(Interval > TimeSpan.Zero, "Interval must be positive");
        Require(MaxRetries >= 0, "MaxRetries must be 0 or more");
        Require(RetryBackoff > TimeSpan.Zero, "RetryBackoff must be positive");
        Require(CircuitBreakerFailures >= 2, "CircuitBreakerFailures must be at least 2");
        Require(CircuitBreakDuration >= TimeSpan.FromMilliseconds(500), "CircuitBreakDuration must be at least 500 ms");
        Require(Timeout > TimeSpan.Zero, "Timeout must be positive");
    }

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new ArgumentException("Logging:Instrumentor:" + message);
        }
    }
}
