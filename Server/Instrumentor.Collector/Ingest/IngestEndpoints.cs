using System;
using System.Collections.Generic;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Threading.Tasks;
using Instrumentor.Collector.Hosting;
using Instrumentor.Collector.Json;
using Instrumentor.Collector.Problems;
using Instrumentor.Collector.Store;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Instrumentor.Collector.Ingest;

/// <summary>
/// <c>POST /v1/uploads/stream</c>, <c>POST /v1/uploads</c> and <c>POST /api/ingest</c> (DESIGN.md §7). A body is read
/// whole, parsed and validated completely before anything is queued, so a bad value anywhere stores nothing; the
/// answer is sent after the writer committed.
/// </summary>
internal sealed class IngestEndpoints
{
    /// <summary>
    /// The header that names a log batch of <c>POST /api/ingest</c> (its body is a bare array): the same id again stores
    /// nothing (<c>{"ingested":0,"duplicates":N}</c>).
    /// </summary>
    public const string BatchIdHeader = "Instrumentor-Batch-Id";

    private readonly IngestWriter _writer;
    private readonly CollectorOptions _options;

    public IngestEndpoints(IngestWriter writer, CollectorOptions options)
    {
        _writer = writer;
        _options = options;
    }

    public void Map(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/v1/uploads/stream", UploadStream);
        endpoints.MapPost("/v1/uploads", UploadBatch);
        endpoints.MapPost("/api/ingest", IngestLogs);
    }

    private async Task UploadStream(HttpContext context)
    {
        StreamBody? body = await ReadAsync(context, CollectorJsonContext.Default.StreamBody).ConfigureAwait(false);
        if (body is null)
        {
            return;
        }

        if (!new EventValidator().TryConvert(body.Event, "$.event", out SpooledSpan span, out IngestFault? fault))
        {
            await Problem.BadRequest(context, fault!.Message, fault.Path).ConfigureAwait(false);
            return;
        }

        await CommitAsync(context, new SpanBatch([span], body.SystemInfo?.SystemName, Identity(body.SystemInfo), null)).ConfigureAwait(false);
    }

    private async Task UploadBatch(HttpContext context)
    {
        BatchBody? body = await ReadAsync(context, CollectorJsonContext.Default.BatchBody).ConfigureAwait(false);
        if (body is null)
        {
            return;
        }

        if (body.Events is null)
        {
            await Problem.BadRequest(context, "events is required (an array of events)", "$.events").ConfigureAwait(false);
            return;
        }

        if (body.BatchId is { Length: 0 or > 200 })
        {
            await Problem.BadRequest(context, "batch_id must be 1 to 200 characters, or left out", "$.batch_id").ConfigureAwait(false);
            return;
        }

        var validator = new EventValidator();
        var spans = new List<SpooledSpan>(body.Events.Count);
        for (int i = 0; i < body.Events.Count; i++)
        {
            if (!validator.TryConvert(body.Events[i], $"$.events[{i}]", out SpooledSpan span, out IngestFault? fault))
            {
                await Problem.BadRequest(context, fault!.Message, fault.Path).ConfigureAwait(false);
                return;
            }

            spans.Add(span);
        }

        await CommitAsync(context, new SpanBatch(spans, body.SystemInfo?.SystemName, Identity(body.SystemInfo), body.BatchId)).ConfigureAwait(false);
    }

    private async Task IngestLogs(HttpContext context)
    {
        List<LogBody?>? body = await ReadAsync(context, CollectorJsonContext.Default.ListLogBody).ConfigureAwait(false);
        if (body is null)
        {
            return;
        }

        string? batchId = context.Request.Headers[BatchIdHeader].ToString() is { Length: > 0 } header ? header : null;
        if (batchId is { Length: > 200 })
        {
            await Problem.BadRequest(context, BatchIdHeader + " must be 1 to 200 characters, or left out", BatchIdHeader).ConfigureAwait(false);
            return;
        }

        var logs = new List<LogEntry>(body.Count);
        for (int i = 0; i < body.Count; i++)
        {
            if (!LogValidator.TryConvert(body[i], $"$[{i}]", out LogEntry? log, out IngestFault? fault))
            {
                await Problem.BadRequest(context, fault!.Message, fault.Path).ConfigureAwait(false);
                return;
            }

            logs.Add(log!);
        }

        Task<StoreIngestResult>? commit = _writer.TrySubmit(store => store.WriteLogs(logs, batchId), 0);
        StoreIngestResult? stored = await AwaitCommitAsync(context, commit).ConfigureAwait(false);
        if (stored is { } r)
        {
            await Answer(context, new LogIngestAnswer(r.Accepted, r.Duplicates), CollectorJsonContext.Default.LogIngestAnswer).ConfigureAwait(false);
        }
    }

    private async Task CommitAsync(HttpContext context, SpanBatch batch)
    {
        Task<StoreIngestResult>? commit = _writer.TrySubmitSpans(batch);
        StoreIngestResult? result = await AwaitCommitAsync(context, commit).ConfigureAwait(false);
        if (result is { } r)
        {
            await Answer(context, new IngestAnswer(r.Accepted, r.Duplicates), CollectorJsonContext.Default.IngestAnswer).ConfigureAwait(false);
        }
    }

    private static async Task<T?> AwaitCommitAsync<T>(HttpContext context, Task<T>? commit)
        where T : struct
    {
        if (commit is null)
        {
            await Problem.Busy(context, "the writer's queue is full; retry after the delay in Retry-After").ConfigureAwait(false);
            return null;
        }

        try
        {
            return await commit.ConfigureAwait(false);
        }
        catch (Exception e) when (Problem.IsStoreUnavailable(e))
        {
            // Nothing was committed (the transaction rolled back): the client may send the same body again.
            await Problem.Busy(context, "the store cannot write right now (" + e.Message + "); nothing was stored", 2).ConfigureAwait(false);
            return null;
        }
    }

    private async Task<T?> ReadAsync<T>(HttpContext context, JsonTypeInfo<T> type)
        where T : class
    {
        (RequestBody.Outcome outcome, ReadOnlyMemory<byte> bytes) = await RequestBody.ReadAsync(context, _options.MaxBodyBytes).ConfigureAwait(false);
        switch (outcome)
        {
            case RequestBody.Outcome.TooLarge:
                await Problem.TooLarge(context, _options.MaxBodyBytes).ConfigureAwait(false);
                return null;
            case RequestBody.Outcome.BadEncoding:
                await Problem.UnsupportedMediaType(context, "Content-Encoding must be gzip or identity").ConfigureAwait(false);
                return null;
            case RequestBody.Outcome.BadGzip:
                await Problem.BadRequest(context, "the body is not valid gzip", null, "invalid-encoding").ConfigureAwait(false);
                return null;
        }

        T? body;
        try
        {
            body = JsonSerializer.Deserialize(bytes.Span, type);
        }
        catch (JsonException e)
        {
            await Problem.BadRequest(context, JsonFaults.Describe(e), e.Path ?? "$").ConfigureAwait(false);
            return null;
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or FormatException or NotSupportedException)
        {
            await Problem.BadRequest(context, "the body is not valid JSON: " + e.Message, "$").ConfigureAwait(false);
            return null;
        }

        if (body is null)
        {
            await Problem.BadRequest(context, "the body must be a JSON " + (typeof(T) == typeof(List<LogBody?>) ? "array" : "object") + ", not null", "$").ConfigureAwait(false);
        }

        return body;
    }

    private static SenderIdentity? Identity(SystemInfoBody? system) =>
        system is null ? null : new SenderIdentity(system.SystemName, system.SystemId, system.SystemInstanceId);

    private static Task Answer<T>(HttpContext context, T value, JsonTypeInfo<T> type)
    {
        context.Response.StatusCode = StatusCodes.Status200OK;
        return context.Response.WriteAsJsonAsync(value, type, contentType: "application/json", context.RequestAborted);
    }
}
