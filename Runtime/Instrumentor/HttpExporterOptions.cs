using System;
using System.Collections.Generic;
using System.Security.Cryptography.X509Certificates;

namespace Instrumentor;

/// <summary>
/// Settings of an exporter that streams the spans of the local store to an Instrumentor collector over HTTP
/// (<c>POST /v1/uploads/stream</c> and <c>/v1/uploads</c>). Added with <see cref="MonitoringOptions.AddHttpExporter"/>,
/// or by setting <c>INSTRUMENTOR_ENDPOINT</c>. The same settings serve <see cref="MonitoringOptions.AddOtlpExporter"/>,
/// which sends OTLP/HTTP protobuf to <c>{Endpoint}/v1/traces</c> instead.
/// </summary>
public sealed class HttpExporterOptions
{
    /// <summary>The environment variable that turns streaming on with no code: the collector's base address.</summary>
    public const string EndpointVariable = "INSTRUMENTOR_ENDPOINT";

    /// <summary>The environment variable holding the API key (sent as <c>Authorization: Bearer KEY</c>).</summary>
    public const string ApiKeyVariable = "INSTRUMENTOR_API_KEY";

    /// <summary>The environment variable choosing the mode: <c>instant</c> or <c>deferred</c>.</summary>
    public const string ModeVariable = "INSTRUMENTOR_EXPORT_MODE";

    /// <summary>The default number of spans per request.</summary>
    public const int DefaultBatchSize = 500;

    /// <summary>The largest batch size allowed (the collector refuses bodies over 4 MiB by default).</summary>
    public const int MaxBatchSizeLimit = 10_000;

    /// <summary>The default interval of <see cref="ExportMode.Deferred"/>.</summary>
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(1);

    /// <summary>The default per-attempt timeout.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(5);

    /// <summary>The default first retry delay (each next one is 1.5 times longer, with jitter).</summary>
    public static readonly TimeSpan DefaultRetryBackoff = TimeSpan.FromMilliseconds(500);

    /// <summary>The default longest retry delay.</summary>
    public static readonly TimeSpan DefaultMaxBackoff = TimeSpan.FromSeconds(60);

    /// <summary>The default time the circuit stays open before a half-open probe.</summary>
    public static readonly TimeSpan DefaultBreakDuration = TimeSpan.FromSeconds(15);

    /// <summary>The collector's base address, such as <c>http://127.0.0.1:4318</c>. Required.</summary>
    public Uri? Endpoint { get; set; }

    /// <summary>The API key, sent as <c>Authorization: Bearer KEY</c>; none when null.</summary>
    public string? ApiKey { get; set; }

    /// <summary>When spans are sent (default <see cref="ExportMode.Instant"/>).</summary>
    public ExportMode Mode { get; set; } = ExportMode.Instant;

    /// <summary>The most spans in one request (default 500).</summary>
    public int BatchSize { get; set; } = DefaultBatchSize;

    /// <summary>How often <see cref="ExportMode.Deferred"/> sends what waits (default 1 s).</summary>
    public TimeSpan Interval { get; set; } = DefaultInterval;

    /// <summary>The time one attempt may take before it is abandoned and retried (default 5 s).</summary>
    public TimeSpan Timeout { get; set; } = DefaultTimeout;

    /// <summary>Retries of one request before the exporter waits for its next round (default 6).</summary>
    public int MaxRetries { get; set; } = 6;

    /// <summary>The first retry delay; each next one is 1.5 times longer, with jitter (default 500 ms).</summary>
    public TimeSpan RetryBackoff { get; set; } = DefaultRetryBackoff;

    /// <summary>The longest retry delay (default 60 s).</summary>
    public TimeSpan MaxBackoff { get; set; } = DefaultMaxBackoff;

    /// <summary>Failed attempts in a row that open the circuit (default 5).</summary>
    public int CircuitBreakerFailures { get; set; } = 5;

    /// <summary>How long the circuit stays open before one probe request is let through (default 15 s).</summary>
    public TimeSpan CircuitBreakDuration { get; set; } = DefaultBreakDuration;

    /// <summary>Compresses request bodies with gzip.</summary>
    public bool Compress { get; set; }

    /// <summary>A client certificate (with its private key) presented to the collector (mutual TLS).</summary>
    public X509Certificate2? ClientCertificate { get; set; }

    /// <summary>
    /// The certificate authority the collector's certificate must chain to (a private CA). When set, the system's
    /// roots are not consulted for this exporter; when null, the system's usual validation applies.
    /// </summary>
    public X509Certificate2? TrustedCa { get; set; }

    /// <summary>
    /// The name of this exporter's cursor in the store (default: the endpoint). Two exporters of one store need two
    /// names; keep the name stable so that a restarted application resumes where it stopped.
    /// </summary>
    public string? Name { get; set; }

    internal string EffectiveName => Name ?? ((Wire == Export.ExportWire.Otlp ? "otlp " : "http ") + Endpoint?.GetLeftPart(UriPartial.Path).TrimEnd('/'));

    /// <summary>What the exporter speaks: the collector's ingest (<see cref="MonitoringOptions.AddHttpExporter"/>) or
    /// OTLP/HTTP protobuf (<see cref="MonitoringOptions.AddOtlpExporter"/>).</summary>
    internal Export.ExportWire Wire { get; set; }

    internal HttpExporterOptions Clone() => (HttpExporterOptions)MemberwiseClone();

    /// <summary>An exporter configured from the environment, or null when <c>INSTRUMENTOR_ENDPOINT</c> is not set.</summary>
    internal static HttpExporterOptions? FromEnvironment()
    {
        string? endpoint = Environment.GetEnvironmentVariable(EndpointVariable);
        if (string.IsNullOrWhiteSpace(endpoint))
        {
            return null;
        }

        var options = new HttpExporterOptions();
        if (Uri.TryCreate(endpoint.Trim(), UriKind.Absolute, out Uri? uri))
        {
            options.Endpoint = uri;
        }
        else
        {
            options.EndpointProblem = $"{EndpointVariable}='{endpoint}' is not an absolute http(s) address";
        }

        string? key = Environment.GetEnvironmentVariable(ApiKeyVariable);
        options.ApiKey = string.IsNullOrWhiteSpace(key) ? null : key.Trim();
        string? mode = Environment.GetEnvironmentVariable(ModeVariable);
        if (!string.IsNullOrWhiteSpace(mode))
        {
            switch (mode.Trim().ToLowerInvariant())
            {
                case "instant":
                    options.Mode = ExportMode.Instant;
                    break;
                case "deferred":
                    options.Mode = ExportMode.Deferred;
                    break;
                default:
                    options.ModeProblem = $"{ModeVariable}='{mode}' is neither 'instant' nor 'deferred'";
                    break;
            }
        }

        return options;
    }

    private string? EndpointProblem { get; set; }

    private string? ModeProblem { get; set; }

    /// <summary>Every problem of these settings, each naming its option.</summary>
    internal IEnumerable<(string Option, string Message)> Problems()
    {
        if (EndpointProblem is not null)
        {
            yield return ("Endpoint", EndpointProblem);
        }
        else if (Endpoint is null || !Endpoint.IsAbsoluteUri || (Endpoint.Scheme != Uri.UriSchemeHttp && Endpoint.Scheme != Uri.UriSchemeHttps))
        {
            yield return ("Endpoint", "must be an absolute http:// or https:// address of the collector");
        }

        if (ModeProblem is not null)
        {
            yield return ("Mode", ModeProblem);
        }

        if (BatchSize < 1 || BatchSize > MaxBatchSizeLimit)
        {
            yield return ("BatchSize", $"must be between 1 and {MaxBatchSizeLimit}");
        }

        if (Interval <= TimeSpan.Zero || Interval > MonitoringOptions.MaxWait)
        {
            yield return ("Interval", "must be positive (and at most int.MaxValue ms)");
        }

        if (Timeout <= TimeSpan.Zero || Timeout > MonitoringOptions.MaxWait)
        {
            yield return ("Timeout", "must be positive (and at most int.MaxValue ms)");
        }

        if (MaxRetries < 0 || MaxRetries > 100)
        {
            yield return ("MaxRetries", "must be between 0 and 100");
        }

        if (RetryBackoff <= TimeSpan.Zero || MaxBackoff < RetryBackoff || MaxBackoff > MonitoringOptions.MaxWait)
        {
            yield return ("RetryBackoff", "must be positive and not above MaxBackoff");
        }

        if (CircuitBreakerFailures < 2)
        {
            yield return ("CircuitBreakerFailures", "must be at least 2");
        }

        if (CircuitBreakDuration < TimeSpan.FromMilliseconds(500) || CircuitBreakDuration > TimeSpan.FromDays(1))
        {
            yield return ("CircuitBreakDuration", "must be between 500 ms and 1 day (Polly's bounds)");
        }

        if (Name is { Length: 0 })
        {
            yield return ("Name", "must not be empty");
        }
    }
}
