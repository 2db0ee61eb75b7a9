using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace Instrumentor.Logging;

/// <summary>Sends lines to a collector's <c>POST /api/ingest</c> once, by hand (the seed's <c>send_logs</c>).</summary>
public static class LogShipper
{
    /// <summary>
    /// Sends <paramref name="records"/> as one batch (gzip, retries, a fresh batch id) and returns the collector's
    /// <c>{"ingested": N}</c>.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="endpoint"/> is not an absolute http(s) URL.</exception>
    /// <exception cref="LogShipmentException">The collector could not be reached or refused the batch.</exception>
    public static Task<LogIngestResult> SendAsync(IReadOnlyList<LogRecord> records, string endpoint, CancellationToken cancellationToken = default) =>
        SendAsync(records, ParseEndpoint(endpoint), cancellationToken);

    /// <inheritdoc cref="SendAsync(IReadOnlyList{LogRecord}, string, CancellationToken)"/>
    public static Task<LogIngestResult> SendAsync(IReadOnlyList<LogRecord> records, Uri endpoint, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        return SendAsync(records, Guid.CreateVersion7().ToString("N"), new InstrumentorLoggerOptions { Endpoint = endpoint }, cancellationToken);
    }

    internal static async Task<LogIngestResult> SendAsync(IReadOnlyList<LogRecord> records, string batchId, InstrumentorLoggerOptions options,
        CancellationToken cancellationToken)
    {
        options.Validate();
        if (records.Count == 0)
        {
            return default;
        }

        using var sender = new LogSender(options);
        SendOutcome outcome = await sender.SendAsync(LogSender.Body(records), batchId, records.Count, cancellationToken).ConfigureAwait(false);
        return outcome.Status == SendStatus.Delivered
            ? outcome.Result
            : throw new LogShipmentException(outcome.Error ?? "the collector did not take the logs", outcome.Status == SendStatus.Rejected);
    }

    internal static Uri ParseEndpoint(string endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        return Uri.TryCreate(endpoint, UriKind.Absolute, out Uri? uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            ? uri
            : throw new ArgumentException($"'{endpoint}' is not an absolute http:// or https:// URL such as http://127.0.0.1:4318/api/ingest", nameof(endpoint));
    }
}
