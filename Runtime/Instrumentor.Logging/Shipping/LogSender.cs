using System;
using System.IO;
using System.IO.Compression;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Instrumentor.Export;
using Polly;
using Polly.CircuitBreaker;

namespace Instrumentor.Logging;

/// <summary>
/// Sends one batch (a JSON array of lines) to the collector's <c>POST /api/ingest</c>, or (<c>otlp</c>) an OTLP logs
/// request (<see cref="OtlpLogEncoder"/>) to <c>{OtlpEndpoint}/v1/logs</c>, through the same Polly pipeline as the span
/// exporter (<see cref="ExportResilience"/>: retry with backoff and jitter, circuit breaker, per-attempt timeout),
/// gzip-compressed when asked, with its batch id in the <c>Instrumentor-Batch-Id</c> header so a batch sent again is
/// not stored twice by Instrumentor's collector. Never throws for a failed send: the outcome says what happened.
/// </summary>
internal sealed class LogSender : IDisposable
{
    /// <summary>The header the collector deduplicates batches by.</summary>
    internal const string BatchIdHeader = "Instrumentor-Batch-Id";

    private readonly HttpClient _client;
    private readonly bool _ownsClient;
    private readonly Uri _endpoint;
    private readonly bool _otlp;
    private readonly string? _apiKey;
    private readonly bool _compress;
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;
    private readonly CircuitBreakerStateProvider _circuit = new();

    internal LogSender(InstrumentorLoggerOptions options, HttpClient? client = null, bool otlp = false)
    {
        _otlp = otlp;
        _endpoint = otlp
            ? OtlpLogEncoder.LogsUri(options.OtlpEndpoint ?? throw new ArgumentException("an OTLP endpoint is required", nameof(options)))
            : options.Endpoint ?? throw new ArgumentException("an endpoint is required", nameof(options));
        _apiKey = options.ApiKey;
        _compress = options.Compress;
        _ownsClient = client is null;
        _client = client ?? new HttpClient(new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            MaxConnectionsPerServer = 4,
            ConnectTimeout = options.Timeout,
        })
        {
            Timeout = System.Threading.Timeout.InfiniteTimeSpan,
        };
        var resilience = new HttpExporterOptions
        {
            MaxRetries = options.MaxRetries,
            RetryBackoff = options.RetryBackoff,
            MaxBackoff = TimeSpan.FromSeconds(60),
            CircuitBreakerFailures = options.CircuitBreakerFailures,
            CircuitBreakDuration = options.CircuitBreakDuration,
            Timeout = options.Timeout,
        };
        _pipeline = ExportResilience.Build(resilience, new ExportCounters(), _circuit);
    }

    /// <summary>The JSON array body of <paramref name="records"/>.</summary>
    internal static byte[] Body(System.Collections.Generic.IReadOnlyList<LogRecord> records)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            LogRecordJson.WriteArray(writer, records);
        }

        return stream.ToArray();
    }

    /// <summary>The endpoint the batches go to.</summary>
    internal Uri Endpoint => _endpoint;

    /// <summary>
    /// Sends a body made by <see cref="Body"/> or <see cref="OtlpLogEncoder"/> (or kept in the fallback file) of
    /// <paramref name="lines"/> lines under <paramref name="batchId"/>.
    /// </summary>
    internal async Task<SendOutcome> SendAsync(byte[] body, string batchId, int lines, CancellationToken cancellationToken)
    {
        byte[] payload = _compress ? Gzip(body) : body;
        try
        {
            using HttpResponseMessage response = await _pipeline.ExecuteAsync(
                async token => await _client.SendAsync(Request(payload, batchId), HttpCompletionOption.ResponseContentRead, token).ConfigureAwait(false),
                cancellationToken).ConfigureAwait(false);
            if (response.IsSuccessStatusCode && _otlp)
            {
                byte[] answer = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
                return new SendOutcome(SendStatus.Delivered, new LogIngestResult(lines - (int)Math.Min(lines, OtlpAnswer.RejectedRecords(answer)), 0), null);
            }

            string text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                return new SendOutcome(SendStatus.Delivered, ParseAnswer(text), null);
            }

            string error = $"{_endpoint} answered {(int)response.StatusCode} {response.ReasonPhrase}: {Shorten(text)}";
            return ExportResilience.IsTransient(response.StatusCode) || response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden
                ? new SendOutcome(SendStatus.Failed, default, error)
                : new SendOutcome(SendStatus.Rejected, default, error);
        }
        catch (BrokenCircuitException)
        {
            return new SendOutcome(SendStatus.Failed, default, $"{_endpoint} is failing: circuit open");
        }
        catch (Exception e) when (e is HttpRequestException or IOException or Polly.Timeout.TimeoutRejectedException
                                       || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return new SendOutcome(SendStatus.Failed, default, $"cannot send logs to {_endpoint}: {e.Message}");
        }
    }

    private HttpRequestMessage Request(byte[] payload, string batchId)
    {
        var content = new ByteArrayContent(payload);
        content.Headers.ContentType = new MediaTypeHeaderValue(_otlp ? OtlpLogEncoder.ContentType : "application/json");
        if (_compress)
        {
            content.Headers.ContentEncoding.Add("gzip");
        }

        var request = new HttpRequestMessage(HttpMethod.Post, _endpoint) { Content = content };
        request.Headers.TryAddWithoutValidation(BatchIdHeader, batchId);
        if (_apiKey is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _apiKey);
        }

        return request;
    }

    private static LogIngestResult ParseAnswer(string text)
    {
        try
        {
            using JsonDocument answer = JsonDocument.Parse(text);
            JsonElement root = answer.RootElement;
            int ingested = root.TryGetProperty("ingested", out JsonElement i) && i.TryGetInt32(out int n) ? n : 0;
            int duplicates = root.TryGetProperty("duplicates", out JsonElement d) && d.TryGetInt32(out int m) ? m : 0;
            return new LogIngestResult(ingested, duplicates);
        }
        catch (JsonException)
        {
            // A 2xx is a commit whatever its body says; a proxy that rewrites it must not make us send again.
            return default;
        }
    }

    private static byte[] Gzip(byte[] body)
    {
        using var output = new MemoryStream(body.Length / 4 + 64);
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(body);
        }

        return output.ToArray();
    }

    private static string Shorten(string text) => text.Length <= 300 ? text : text[..300] + "…";

    public void Dispose()
    {
        if (_ownsClient)
        {
            _client.Dispose();
        }
    }
}
