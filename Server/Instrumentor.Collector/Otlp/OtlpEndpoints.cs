using System;
using System.Collections.Generic;
using System.Security.Cryptography;
using System.Threading.Tasks;
using Google.Protobuf;
using Instrumentor.Collector.Hosting;
using Instrumentor.Collector.Ingest;
using Instrumentor.Collector.Otlp.Protos;
using Instrumentor.Collector.Problems;
using Instrumentor.Collector.Store;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;

namespace Instrumentor.Collector.Otlp;

/// <summary>
/// The OTLP/HTTP receiver: <c>POST /v1/traces</c> and <c>POST /v1/logs</c>, protobuf (<c>application/x-protobuf</c>)
/// or OTLP/JSON (<c>application/json</c>), optionally gzip. The body is decoded and mapped whole before anything is
/// queued; the answer (OTLP's response message, with <c>partial_success</c> for spans or records that cannot be
/// stored) is sent after the commit. A span already stored (same trace id and span id) is not stored again, so an
/// exporter's retry is harmless; a logs body sent again byte for byte is stored once.
/// </summary>
internal sealed class OtlpEndpoints
{
    private readonly IngestWriter _writer;
    private readonly CollectorOptions _options;

    public OtlpEndpoints(IngestWriter writer, CollectorOptions options)
    {
        _writer = writer;
        _options = options;
    }

    public void Map(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/v1/traces", Traces);
        endpoints.MapPost("/v1/logs", Logs);
    }

    private async Task Traces(HttpContext context)
    {
        (OtlpEncoding encoding, ReadOnlyMemory<byte> body)? read = await ReadAsync(context).ConfigureAwait(false);
        if (read is not { } request)
        {
            return;
        }

        ExportTraceServiceRequest message;
        try
        {
            message = request.encoding == OtlpEncoding.Protobuf
                ? ExportTraceServiceRequest.Parser.ParseFrom(request.body.Span)
                : OtlpJson.ParseTraces(request.body);
        }
        catch (Exception e) when (e is InvalidProtocolBufferException or OtlpFormatException)
        {
            await OtlpAnswer.BadRequest(context, request.encoding, Undecodable(request.encoding, e)).ConfigureAwait(false);
            return;
        }

        var mapper = new OtlpSpanMapper();
        List<SpanBatch> batches = mapper.Map(message);
        int spans = 0;
        foreach (SpanBatch batch in batches)
        {
            spans += batch.Spans.Count;
        }

        // One job for the whole request: its resources commit one after the other, without another request between.
        Task<bool>? commit = spans == 0 ? Task.FromResult(true) : _writer.TrySubmit(
            store =>
            {
                foreach (SpanBatch batch in batches)
                {
                    store.WriteSpans(batch);
                }

                return true;
            },
            spans);
        if (await CommittedAsync(context, request.encoding, commit).ConfigureAwait(false))
        {
            await OtlpAnswer.Traces(context, request.encoding, mapper.Rejected, mapper.FirstRejection).ConfigureAwait(false);
        }
    }

    private async Task Logs(HttpContext context)
    {
        (OtlpEncoding encoding, ReadOnlyMemory<byte> body)? read = await ReadAsync(context).ConfigureAwait(false);
        if (read is not { } request)
        {
            return;
        }

        ExportLogsServiceRequest message;
        try
        {
            message = request.encoding == OtlpEncoding.Protobuf
                ? ExportLogsServiceRequest.Parser.ParseFrom(request.body.Span)
                : OtlpJson.ParseLogs(request.body);
        }
        catch (Exception e) when (e is InvalidProtocolBufferException or OtlpFormatException)
        {
            await OtlpAnswer.BadRequest(context, request.encoding, Undecodable(request.encoding, e)).ConfigureAwait(false);
            return;
        }

        var mapper = new OtlpLogMapper();
        List<LogEntry> logs = mapper.Map(message, StoreText.ToUnixMicroseconds(DateTimeOffset.UtcNow));
        // Log records have no id of their own: the body's hash is the batch id, so a retried request is stored once.
        string batchId = "otlp-" + Convert.ToHexStringLower(SHA256.HashData(request.body.Span));
        Task<bool>? commit = logs.Count == 0 ? Task.FromResult(true) : _writer.TrySubmit(
            store =>
            {
                store.WriteLogs(logs, batchId);
                return true;
            },
            0);
        if (await CommittedAsync(context, request.encoding, commit).ConfigureAwait(false))
        {
            await OtlpAnswer.Logs(context, request.encoding, mapper.Rejected, mapper.FirstRejection).ConfigureAwait(false);
        }
    }

    private async Task<(OtlpEncoding, ReadOnlyMemory<byte>)?> ReadAsync(HttpContext context)
    {
        string mediaType = (context.Request.ContentType ?? "").Split(';', 2)[0].Trim();
        OtlpEncoding encoding;
        if (string.Equals(mediaType, OtlpAnswer.ProtobufType, StringComparison.OrdinalIgnoreCase))
        {
            encoding = OtlpEncoding.Protobuf;
        }
        else if (string.Equals(mediaType, OtlpAnswer.JsonType, StringComparison.OrdinalIgnoreCase))
        {
            encoding = OtlpEncoding.Json;
        }
        else
        {
            await OtlpAnswer.UnsupportedMediaType(context,
                $"Content-Type must be {OtlpAnswer.ProtobufType} or {OtlpAnswer.JsonType} (OTLP/HTTP), not '{(mediaType.Length == 0 ? "(none)" : mediaType)}'").ConfigureAwait(false);
            return null;
        }

        if (context.Request.ContentLength is { } length && length > _options.MaxBodyBytes)
        {
            await DrainAsync(context, length).ConfigureAwait(false);
            await OtlpAnswer.TooLarge(context, encoding, _options.MaxBodyBytes).ConfigureAwait(false);
            return null;
        }

        (RequestBody.Outcome outcome, ReadOnlyMemory<byte> body) = await RequestBody.ReadAsync(context, _options.MaxBodyBytes).ConfigureAwait(false);
        switch (outcome)
        {
            case RequestBody.Outcome.TooLarge:
                await OtlpAnswer.TooLarge(context, encoding, _options.MaxBodyBytes).ConfigureAwait(false);
                return null;
            case RequestBody.Outcome.BadEncoding:
                await OtlpAnswer.UnsupportedMediaType(context, "Content-Encoding must be gzip or identity").ConfigureAwait(false);
                return null;
            case RequestBody.Outcome.BadGzip:
                await OtlpAnswer.BadRequest(context, encoding, "the body is not valid gzip").ConfigureAwait(false);
                return null;
        }

        return (encoding, body);
    }

    /// <summary>
    /// Reads and drops a body announced over the limit (up to four times the limit), so the exporter hears the 413
    /// instead of a connection reset mid-upload, which OTLP exporters take for a network error and retry forever.
    /// </summary>
    private async Task DrainAsync(HttpContext context, long length)
    {
        if (length > 4 * _options.MaxBodyBytes
            || context.Features.Get<IHttpMaxRequestBodySizeFeature>() is not { IsReadOnly: false } limit)
        {
            return;
        }

        limit.MaxRequestBodySize = length;
        try
        {
            await context.Request.Body.CopyToAsync(System.IO.Stream.Null, context.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception e) when (e is System.IO.IOException or BadHttpRequestException or OperationCanceledException)
        {
            // The client went away or sent less than announced: the answer below may not reach it, nothing to do.
        }
    }

    private static async Task<bool> CommittedAsync(HttpContext context, OtlpEncoding encoding, Task<bool>? commit)
    {
        if (commit is null)
        {
            await OtlpAnswer.Busy(context, encoding, "the writer's queue is full; retry after the delay in Retry-After", 1).ConfigureAwait(false);
            return false;
        }

        try
        {
            return await commit.ConfigureAwait(false);
        }
        catch (Exception e) when (Problem.IsStoreUnavailable(e))
        {
            // A resource whose transaction rolled back stored nothing; a retry stores it (and skips what is stored).
            await OtlpAnswer.Busy(context, encoding, "the store cannot write right now (" + e.Message + "); send the request again", 2).ConfigureAwait(false);
            return false;
        }
    }

    private static string Undecodable(OtlpEncoding encoding, Exception e) =>
        encoding == OtlpEncoding.Protobuf
            ? "the body is not a valid OTLP protobuf message: " + e.Message
            : "the body is not valid OTLP/JSON: " + e.Message;
}
