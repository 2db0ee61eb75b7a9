using System;
using System.Globalization;
using System.Threading.Tasks;
using Instrumentor.Collector.Json;
using Microsoft.AspNetCore.Http;

namespace Instrumentor.Collector.Problems;

/// <summary>Writes RFC 7807 problem documents (<c>application/problem+json</c>), the one error shape of the collector.</summary>
internal static class Problem
{
    public const string ContentType = "application/problem+json";
    private const string TypeBase = "https://instrumentor.dev/problems/";

    public static Task BadRequest(HttpContext context, string detail, string? path, string kind = "invalid-body") =>
        Write(context, StatusCodes.Status400BadRequest, kind, "The request is not valid", detail, path);

    public static Task Unauthorized(HttpContext context, string detail)
    {
        context.Response.Headers.WWWAuthenticate = "Bearer";
        return Write(context, StatusCodes.Status401Unauthorized, "unauthorized", "An API key is required", detail, null);
    }

    public static Task NotFound(HttpContext context, string detail) =>
        Write(context, StatusCodes.Status404NotFound, "not-found", "Not found", detail, null);

    public static Task TooLarge(HttpContext context, long limit) =>
        Write(context, StatusCodes.Status413PayloadTooLarge, "body-too-large", "The body is too large",
            $"the body is larger than {limit} bytes; send smaller batches", null);

    public static Task UnsupportedMediaType(HttpContext context, string detail) =>
        Write(context, StatusCodes.Status415UnsupportedMediaType, "unsupported-media-type", "Unsupported body encoding", detail, null);

    /// <summary>The collector cannot take the request now; the client should retry after <paramref name="retryAfterSeconds"/>.</summary>
    public static Task Busy(HttpContext context, string detail, int retryAfterSeconds = 1)
    {
        context.Response.Headers.RetryAfter = retryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        return Write(context, StatusCodes.Status503ServiceUnavailable, "busy", "The collector is busy", detail, null);
    }

    public static async Task Write(HttpContext context, int status, string kind, string title, string detail, string? path)
    {
        if (context.Response.HasStarted)
        {
            return;
        }

        context.Response.StatusCode = status;
        context.Response.ContentType = ContentType;
        await System.Text.Json.JsonSerializer.SerializeAsync(context.Response.Body,
            new ProblemDocument(TypeBase + kind, title, status, detail, path), CollectorJsonContext.Default.ProblemDocument,
            context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>Whether <paramref name="e"/> means the store cannot write now (locked by another process, disk full, I/O).</summary>
    public static bool IsStoreUnavailable(Exception e) => e is Microsoft.Data.Sqlite.SqliteException or Npgsql.NpgsqlException or System.IO.IOException;
}
