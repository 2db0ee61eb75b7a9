using System;
using System.Diagnostics;
using System.IO;
using System.IO.Compression;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using System.Threading.Tasks;
using Polly;
using Polly.CircuitBreaker;

namespace Instrumentor.Export;

/// <summary>
/// One pooled <see cref="HttpClient"/> (a <see cref="SocketsHttpHandler"/> with pool limits and the exporter's TLS
/// settings) and the resilience pipeline around each request. Sends a body, answers what became of it.
/// </summary>
internal sealed class HttpExportClient : IDisposable
{
    private readonly HttpExporterOptions _options;
    private readonly ExportCounters _counters;
    private readonly HttpClient _client;
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;

    internal HttpExportClient(HttpExporterOptions options, ExportCounters counters)
    {
        _options = options;
        _counters = counters;
        _client = new HttpClient(CreateHandler(options), disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
        _pipeline = ExportResilience.Build(options, counters, Circuit);
    }

    /// <summary>The circuit's state (closed, open, half-open).</summary>
    internal CircuitBreakerStateProvider Circuit { get; } = new();

    /// <summary>When the circuit is open: how long until its half-open probe; else null.</summary>
    internal TimeSpan? LastRetryAfter { get; private set; }

    /// <summary>The last failure, for the one stderr line of a failure streak.</summary>
    internal string? LastFailure { get; private set; }

    /// <summary>Sends an encoded request (every retry carries the same bytes, so the same batch id).</summary>
    internal Task<SendOutcome> SendAsync(ExportRequest request, CancellationToken cancellation) =>
        SendAsync(request.Uri, request.ContentType, Compress(request.Body), cancellation);

    private byte[] Compress(byte[] body)
    {
        if (!_options.Compress)
        {
            return body;
        }

        using var packed = new MemoryStream(body.Length / 4 + 64);
        using (var gzip = new GZipStream(packed, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(body);
        }

        return packed.ToArray();
    }

    private async Task<SendOutcome> SendAsync(Uri uri, string contentType, byte[] body, CancellationToken cancellation)
    {
        long started = Stopwatch.GetTimestamp();
        try
        {
            using HttpResponseMessage response = await _pipeline.ExecuteAsync(
                async token =>
                {
                    // A request message is sent once: each attempt builds its own around the same bytes.
                    using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = Content(body, contentType) };
                    if (_options.ApiKey is not null)
                    {
                        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _options.ApiKey);
                    }

                    return await _client.SendAsync(request, HttpCompletionOption.ResponseContentRead, token).ConfigureAwait(false);
                },
                cancellation).ConfigureAwait(false);
            int status = (int)response.StatusCode;
            if (status is >= 200 and < 300)
            {
                LastRetryAfter = null;
                InstrumentorMetrics.RecordExportLatency(_options.EffectiveName, Stopwatch.GetElapsedTime(started));
                return SendOutcome.Acknowledged;
            }

            if (response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.RequestEntityTooLarge)
            {
                LastFailure = $"{status} {await Detail(response).ConfigureAwait(false)}";
                return SendOutcome.Refused;
            }

            LastFailure = $"{status} {await Detail(response).ConfigureAwait(false)}";
            LastRetryAfter = ExportResilience.RetryAfter(response);
            return SendOutcome.Failed;
        }
        catch (BrokenCircuitException broken)
        {
            LastFailure ??= "the circuit is open after repeated failures";
            LastRetryAfter = broken.RetryAfter;
            return SendOutcome.Failed;
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            LastFailure = "cancelled (shutdown budget spent)";
            return SendOutcome.Failed;
        }
        catch (Exception ex)
        {
            // Network errors and timeouts after the last retry: the spans stay in the outbox.
            LastFailure = RecordText.Describe(ex);
            return SendOutcome.Failed;
        }
    }

    private ByteArrayContent Content(byte[] body, string contentType)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = contentType == "application/json"
            ? new MediaTypeHeaderValue(contentType) { CharSet = "utf-8" }
            : new MediaTypeHeaderValue(contentType);
        if (_options.Compress)
        {
            content.Headers.ContentEncoding.Add("gzip");
        }

        return content;
    }

    private static async Task<string> Detail(HttpResponseMessage response)
    {
        try
        {
            string text = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
            return text.Length > 300 ? text[..300] + "…" : text;
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or OperationCanceledException)
        {
            return "";
        }
    }

    private static SocketsHttpHandler CreateHandler(HttpExporterOptions options)
    {
        var handler = new SocketsHttpHandler
        {
            // One exporter sends one request at a time; a few connections cover its retries and the final send.
            MaxConnectionsPerServer = 4,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
            ConnectTimeout = options.Timeout,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
        };
        if (options.ClientCertificate is { } certificate)
        {
            handler.SslOptions.ClientCertificates = new X509CertificateCollection { certificate };
            handler.SslOptions.LocalCertificateSelectionCallback = (_, _, _, _, _) => certificate;
        }

        if (options.TrustedCa is { } ca)
        {
            handler.SslOptions.CertificateChainPolicy = new X509ChainPolicy
            {
                TrustMode = X509ChainTrustMode.CustomRootTrust,
                RevocationMode = X509RevocationMode.NoCheck,
                CustomTrustStore = { ca },
            };
        }

        return handler;
    }

    public void Dispose() => _client.Dispose();
}
