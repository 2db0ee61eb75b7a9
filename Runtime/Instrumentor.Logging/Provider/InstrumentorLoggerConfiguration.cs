using System;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Configuration;
using Microsoft.Extensions.Options;

namespace Instrumentor.Logging;

/// <summary>
/// Binds <see cref="InstrumentorLoggerOptions"/> from <c>"Logging:Instrumentor"</c> (the provider's alias section),
/// key by key with plain parsers: no reflection-based binder, so it is trimming and AOT safe. A value that does not
/// parse is an error naming the key, at startup.
/// </summary>
internal sealed class InstrumentorLoggerConfiguration(ILoggerProviderConfiguration<InstrumentorLoggerProvider> provider)
    : IConfigureOptions<InstrumentorLoggerOptions>
{
    public void Configure(InstrumentorLoggerOptions options) => Bind(provider.Configuration, options);

    internal static void Bind(IConfiguration section, InstrumentorLoggerOptions options)
    {
        if (section["Endpoint"] is { Length: > 0 } endpoint)
        {
            options.Endpoint = Uri.TryCreate(endpoint, UriKind.Absolute, out Uri? uri)
                ? uri
                : throw Bad("Endpoint", endpoint, "an absolute URL such as http://127.0.0.1:4318/api/ingest");
        }

        if (section["OtlpEndpoint"] is { Length: > 0 } otlp)
        {
            options.OtlpEndpoint = Uri.TryCreate(otlp, UriKind.Absolute, out Uri? uri)
                ? uri
                : throw Bad("OtlpEndpoint", otlp, "an absolute URL such as http://otel-collector:4318");
        }

        options.ApiKey = section["ApiKey"] ?? options.ApiKey;
        if (section["MinLevel"] is { Length: > 0 } level)
        {
            options.MinLevel = Enum.TryParse(level, ignoreCase: true, out LogLevel parsed) && Enum.IsDefined(parsed)
                ? parsed
                : throw Bad("MinLevel", level, "Trace, Debug, Information, Warning, Error, Critical or None");
        }

        options.FilePath = section["FilePath"] ?? options.FilePath;
        options.StorePath = section["StorePath"] ?? options.StorePath;
        options.FallbackPath = section["FallbackPath"] ?? options.FallbackPath;
        options.Service = section["Service"] ?? options.Service;
        options.Store = Boolean(section, "Store", options.Store);
        options.Compress = Boolean(section, "Compress", options.Compress);
        options.BatchSize = Integer(section, "BatchSize", options.BatchSize);
        options.BufferCapacity = Integer(section, "BufferCapacity", options.BufferCapacity);
        options.MaxRetries = Integer(section, "MaxRetries", options.MaxRetries);
        options.CircuitBreakerFailures = Integer(section, "CircuitBreakerFailures", options.CircuitBreakerFailures);
        options.Interval = Duration(section, "Interval", options.Interval);
        options.RetryBackoff = Duration(section, "RetryBackoff", options.RetryBackoff);
        options.CircuitBreakDuration = Duration(section, "CircuitBreakDuration", options.CircuitBreakDuration);
        options.Timeout = Duration(section, "Timeout", options.Timeout);
    }

    private static bool Boolean(IConfiguration section, string key, bool current) => section[key] is { Length: > 0 } text
        ? bool.TryParse(text, out bool value) ? value : throw Bad(key, text, "true or false")
        : current;

    private static int Integer(IConfiguration section, string key, int current) => section[key] is { Length: > 0 } text
        ? int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) ? value : throw Bad(key, text, "an integer")
        : current;

    private static TimeSpan Duration(IConfiguration section, string key, TimeSpan current) => section[key] is { Length: > 0 } text
        ? TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out TimeSpan value) ? value : throw Bad(key, text, "a time span such as 00:00:01.5")
        : current;

    private static InvalidOperationException Bad(string key, string value, string expected) =>
        new($"Logging:Instrumentor:{key} is '{value}'; expected {expected}");
}
