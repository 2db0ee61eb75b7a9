using System;
using System.Diagnostics;
using System.IO;
using System.IO.Compression;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
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
    internal const string StreamPath = "v1/uploads/stream";
    internal const string BatchPath = "v1/uploads";

    private readonly HttpExporterOptions _options;
    private readonly ExportCounters _counters;
    private readonly HttpClient _client;
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;
    private readonly Uri _base;

    internal HttpExportClient(HttpExporterOptions options, ExportCounters counters)
    {
        _options = options;
        _counters = counters;
        string root = options.Endpoint!.GetLeftPart(UriPartial.Path);
        _base = new Uri(root.EndsWith('/') ? root : root + "/");
        _client = new HttpClient(CreateHandler(options), disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
        _pipeline = ExportResilience.Build(options, counters, Circuit);
    }

    /// <summary>The circuit's state (closed, open, half-open).</summary>
    internal CircuitBreakerStateProvider Circuit { get; } = new();

    /// <summary>When the circuit is open: how long until its half-open probe; else null.</summary>
    internal TimeSpan? LastRetryAfter { get; private set; }

    /// <summary>The last failure, for the one stderr line of a failure streak.</summary>
    internal string? LastFailure { get; private set; }

    /// <summary>Sends one span to <c>/v1/uploads/stream</c>.</summary>
    internal Task<SendOutcome> SendAsync(WireStream body, CancellationToken cancellation) =>
        SendAsync(StreamPath, Serialize(body, ExportJsonContext.Default.WireStream), cancellation);

    /// <summary>Sends a batch to <c>/v1/uploads</c> (every retry carries the same body, so the same batch id).</summary>
    internal Task<SendOutcome> SendAsync(WireBatch body, CancellationToken cancellation) =>
        SendAsync(BatchPath, Serialize(body, ExportJsonContext.Default.WireBatch), cancellation);

    private byte[] Serialize<T>(T body, JsonTypeInfo<T> info)
    {
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(body, info);
        if (!_options.Compress)
        {
            return json;
        }

        using var packed = new MemoryStream(json.Length / 4 + 64);
        using (var gzip = new GZipStream(packed, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(json);
        }

        return packed.ToArray();
    }

    private async Task<SendOutcome> SendAsync(string path, byte[] body, CancellationToken cancellation)
    {
        var uri = new Uri(_base, path);
        long started = Stopwatch.GetTimestamp();
        try
        {
            using HttpResponseMessage response = await _pipeline.ExecuteAsync(
                async token =>
                {
                    // A request message is sent once: each attempt builds its own around the same bytes.
                    using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = Content(body) };
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

    private ByteArrayContent Content(byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
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
