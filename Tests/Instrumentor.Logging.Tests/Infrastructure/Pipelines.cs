using System;
using Microsoft.Extensions.Logging;

namespace Instrumentor.Logging.Tests.Infrastructure;

internal static class Pipelines
{
    /// <summary>Options for tests: quick retries and a quick circuit, the fallback file in <paramref name="directory"/>.</summary>
    public static InstrumentorLoggerOptions Options(TempDirectory directory, Uri? endpoint) => new()
    {
        Endpoint = endpoint,
        FallbackPath = directory.Combine("pending.jsonl"),
        Interval = TimeSpan.FromMilliseconds(100),
        RetryBackoff = TimeSpan.FromMilliseconds(20),
        MaxRetries = 2,
        CircuitBreakDuration = TimeSpan.FromMilliseconds(500),
        Timeout = TimeSpan.FromSeconds(2),
        MinLevel = LogLevel.Trace,
        Service = "logging-tests",
    };
}
