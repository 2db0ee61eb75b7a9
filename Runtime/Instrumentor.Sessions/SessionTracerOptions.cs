using System;

namespace Instrumentor.Sessions;

/// <summary>Where a <see cref="SessionTracer"/> writes, and how it prices LLM calls.</summary>
public sealed class SessionTracerOptions
{
    /// <summary>The default number of writes committed in one transaction at most.</summary>
    public const int DefaultMaxBatchSize = 2_000;

    /// <summary>
    /// The SQLite store (the same file as spans). Default: <c>INSTRUMENTOR_DB</c> or <c>./traces.db</c>.
    /// Ignored when <see cref="CollectorUri"/> is set.
    /// </summary>
    public string DatabasePath { get; set; } = Environment.GetEnvironmentVariable(MonitoringOptions.DatabasePathVariable) is { Length: > 0 } path
        ? path
        : MonitoringOptions.DefaultDatabasePath;

    /// <summary>The collector to send sessions to over HTTP (<c>POST /v1/sessions</c>) instead of a local file.</summary>
    public Uri? CollectorUri { get; set; }

    /// <summary>The collector's API key (<c>Authorization: Bearer</c>); default <c>INSTRUMENTOR_API_KEY</c>.</summary>
    public string? ApiKey { get; set; } = Environment.GetEnvironmentVariable("INSTRUMENTOR_API_KEY");

    /// <summary>Prices per model, used for an <see cref="LlmCallEvent"/> recorded without <see cref="LlmCallEvent.CostUsd"/>.</summary>
    public PriceTable Prices { get; } = new();

    /// <summary>Writes committed in one transaction at most.</summary>
    public int MaxBatchSize { get; set; } = DefaultMaxBatchSize;
}
