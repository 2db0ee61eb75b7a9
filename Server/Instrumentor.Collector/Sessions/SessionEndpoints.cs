using System;
using System.Globalization;
using System.IO;
using System.Text.Json;
using System.Threading.Tasks;
using Instrumentor.Collector.Ingest;
using Instrumentor.Collector.Problems;
using Instrumentor.Sessions;
using Instrumentor.Sessions.Json;
using Instrumentor.Sessions.Query;
using Instrumentor.Sessions.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Instrumentor.Collector.Sessions;

/// <summary>
/// Session tracing over HTTP (docs/sessions.md): <c>POST /v1/sessions</c> takes the batches of
/// <c>new SessionTracer(collectorUri)</c>; <c>GET /api/sessions</c> and <c>GET /api/sessions/{id}</c> read them back.
/// The session tables live in the collector's store, next to the spans (<see cref="ISessionBackend"/>).
/// </summary>
internal sealed class SessionEndpoints : IDisposable
{
    private readonly ISessionBackend _backend;
    private readonly long _maxBodyBytes;
    private readonly bool _readOnly;

    /// <param name="backend">The session tables (owned: disposed with the endpoints).</param>
    /// <param name="maxBodyBytes">The largest request body taken.</param>
    /// <param name="readOnly">The store is an archive (<c>serve --db</c> on one): refuse ingest (the collector's
    /// read-only ingest endpoints answer 405 for it).</param>
    public SessionEndpoints(ISessionBackend backend, long maxBodyBytes, bool readOnly = false)
    {
        _backend = backend;
        _maxBodyBytes = maxBodyBytes;
        _readOnly = readOnly;
    }

    public void Map(IEndpointRouteBuilder endpoints)
    {
        if (!_readOnly)
        {
            endpoints.MapPost("/v1/sessions", Ingest);
        }

        endpoints.MapGet("/api/sessions", List);
        endpoints.MapGet("/api/sessions/{session_id}", Get);
    }

    private async Task Ingest(HttpContext context)
    {
        (RequestBody.Outcome outcome, ReadOnlyMemory<byte> bytes) = await RequestBody.ReadAsync(context, _maxBodyBytes).ConfigureAwait(false);
        switch (outcome)
        {
            case RequestBody.Outcome.TooLarge:
                await Problem.TooLarge(context, _maxBodyBytes).ConfigureAwait(false);
                return;
            case RequestBody.Outcome.BadEncoding:
                await Problem.UnsupportedMediaType(context, "Content-Encoding must be gzip or identity").ConfigureAwait(false);
                return;
            case RequestBody.Outcome.BadGzip:
                await Problem.BadRequest(context, "the body is not valid gzip", null, "invalid-encoding").ConfigureAwait(false);
                return;
        }

        SessionBatch batch;
        try
        {
            batch = SessionIngest.Parse(bytes);
        }
        catch (SessionJsonException e)
        {
            await Problem.BadRequest(context, e.Message, e.Path).ConfigureAwait(false);
            return;
        }
        catch (JsonException e)
        {
            await Problem.BadRequest(context, "the body is not valid JSON: " + e.Message, "$").ConfigureAwait(false);
            return;
        }

        WriteResult result;
        try
        {
            // Store work off the request thread: the commit may wait for the span writer's lock (SQLite) or the server.
            result = await Task.Run(() => _backend.Commit(batch), context.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception e) when (Problem.IsStoreUnavailable(e))
        {
            await Problem.Busy(context, "the store cannot write right now (" + e.Message + "); nothing was stored", 2).ConfigureAwait(false);
            return;
        }

        await WriteJson(context, w =>
        {
            w.WriteStartObject();
            w.WriteNumber("accepted", result.SessionsInserted);
            w.WriteNumber("duplicates", result.SessionsDuplicate);
            w.WriteEndObject();
        }).ConfigureAwait(false);
    }

    private async Task List(HttpContext context)
    {
        IQueryCollection q = context.Request.Query;
        var query = new SessionQuery();
        try
        {
            query.From = Time(q, "from");
            query.To = Time(q, "to");
            query.ExperimentId = Text(q, "experiment");
            query.System = Text(q, "system");
            if (Text(q, "min_cost") is string cost)
            {
                query.MinCostUsd = decimal.TryParse(cost, NumberStyles.Number, CultureInfo.InvariantCulture, out decimal c)
                    ? c : throw new FormatException("min_cost must be a number of dollars, e.g. 0.10");
            }

            if (Text(q, "limit") is string limit)
            {
                query.Limit = int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n is >= 1 and <= SessionQuery.MaxLimit
                    ? n : throw new FormatException($"limit must be 1 to {SessionQuery.MaxLimit}");
            }

            query.Cursor = Text(q, "cursor");
        }
        catch (FormatException e)
        {
            await Problem.BadRequest(context, e.Message, null, "invalid-query").ConfigureAwait(false);
            return;
        }

        SessionPage page;
        try
        {
            page = _backend.ListSessions(query);
        }
        catch (ArgumentException e)
        {
            await Problem.BadRequest(context, e.Message, null, "invalid-query").ConfigureAwait(false);
            return;
        }

        await WriteJson(context, w => SessionApiJson.WritePage(w, page)).ConfigureAwait(false);
    }

    private async Task Get(HttpContext context)
    {
        string id = (string)context.Request.RouteValues["session_id"]!;
        StoredSession? session = _backend.Read(id);

        if (session is null)
        {
            await Problem.NotFound(context, $"no session {id}").ConfigureAwait(false);
            return;
        }

        await WriteJson(context, w => SessionApiJson.WriteDetail(w, session)).ConfigureAwait(false);
    }

    private static string? Text(IQueryCollection query, string name) =>
        query.TryGetValue(name, out var values) && values.Count > 0 && !string.IsNullOrEmpty(values[0]) ? values[0] : null;

    private static DateTimeOffset? Time(IQueryCollection query, string name)
    {
        string? text = Text(query, name);
        if (text is null)
        {
            return null;
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out DateTimeOffset t)
            ? t : throw new FormatException($"{name} must be an ISO 8601 time, e.g. 2026-12-01T17:00:00Z");
    }

    private static async Task WriteJson(HttpContext context, Action<Utf8JsonWriter> write)
    {
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json";
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }

        await context.Response.Body.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), context.RequestAborted).ConfigureAwait(false);
    }

    public void Dispose() => _backend.Dispose();
}
