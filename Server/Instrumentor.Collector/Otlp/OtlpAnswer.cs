using System;
using System.Globalization;
using System.IO;
using System.Text.Json;
using System.Threading.Tasks;
using Google.Protobuf;
using Instrumentor.Collector.Otlp.Protos;
using Microsoft.AspNetCore.Http;

namespace Instrumentor.Collector.Otlp;

/// <summary>
/// The answers of OTLP/HTTP, in the encoding of the request: <c>Export*ServiceResponse</c> on success (with
/// <c>partial_success</c> when something was rejected) and a <c>google.rpc.Status</c> body on failure.
/// </summary>
internal static class OtlpAnswer
{
    public const string ProtobufType = "application/x-protobuf";
    public const string JsonType = "application/json";

    /// <summary>gRPC's INVALID_ARGUMENT, RESOURCE_EXHAUSTED and UNAVAILABLE: the codes of the Status bodies sent.</summary>
    private const int InvalidArgument = 3;
    private const int ResourceExhausted = 8;
    private const int Unavailable = 14;

    public static Task Traces(HttpContext context, OtlpEncoding encoding, int rejected, string? error)
    {
        var response = new ExportTraceServiceResponse();
        if (rejected > 0)
        {
            response.PartialSuccess = new ExportTracePartialSuccess { RejectedSpans = rejected, ErrorMessage = error ?? "" };
        }

        return encoding == OtlpEncoding.Protobuf
            ? WriteProtobuf(context, StatusCodes.Status200OK, response)
            : WriteJson(context, StatusCodes.Status200OK, writer =>
            {
                if (rejected > 0)
                {
                    writer.WriteStartObject("partialSuccess");
                    writer.WriteString("rejectedSpans", rejected.ToString(CultureInfo.InvariantCulture));
                    writer.WriteString("errorMessage", error ?? "");
                    writer.WriteEndObject();
                }
            });
    }

    public static Task Logs(HttpContext context, OtlpEncoding encoding, int rejected, string? error)
    {
        var response = new ExportLogsServiceResponse();
        if (rejected > 0)
        {
            response.PartialSuccess = new ExportLogsPartialSuccess { RejectedLogRecords = rejected, ErrorMessage = error ?? "" };
        }

        return encoding == OtlpEncoding.Protobuf
            ? WriteProtobuf(context, StatusCodes.Status200OK, response)
            : WriteJson(context, StatusCodes.Status200OK, writer =>
            {
                if (rejected > 0)
                {
                    writer.WriteStartObject("partialSuccess");
                    writer.WriteString("rejectedLogRecords", rejected.ToString(CultureInfo.InvariantCulture));
                    writer.WriteString("errorMessage", error ?? "");
                    writer.WriteEndObject();
                }
            });
    }

    public static Task BadRequest(HttpContext context, OtlpEncoding encoding, string message) =>
        Failure(context, encoding, StatusCodes.Status400BadRequest, InvalidArgument, message);

    public static Task TooLarge(HttpContext context, OtlpEncoding encoding, long limit) =>
        Failure(context, encoding, StatusCodes.Status413PayloadTooLarge, ResourceExhausted,
            $"the body is larger than {limit} bytes (after gzip); send smaller batches");

    public static Task UnsupportedMediaType(HttpContext context, string message) =>
        Failure(context, OtlpEncoding.Json, StatusCodes.Status415UnsupportedMediaType, InvalidArgument, message);

    /// <summary>503 with <c>Retry-After</c>: OTLP clients retry it after the delay.</summary>
    public static Task Busy(HttpContext context, OtlpEncoding encoding, string message, int retryAfterSeconds)
    {
        context.Response.Headers.RetryAfter = retryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        return Failure(context, encoding, StatusCodes.Status503ServiceUnavailable, Unavailable, message);
    }

    private static Task Failure(HttpContext context, OtlpEncoding encoding, int status, int code, string message) =>
        encoding == OtlpEncoding.Protobuf
            ? WriteProtobuf(context, status, new RpcStatus { Code = code, Message = message })
            : WriteJson(context, status, writer =>
            {
                writer.WriteNumber("code", code);
                writer.WriteString("message", message);
            });

    private static async Task WriteProtobuf(HttpContext context, int status, IMessage message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = ProtobufType;
        byte[] bytes = message.ToByteArray();
        await context.Response.Body.WriteAsync(bytes, context.RequestAborted).ConfigureAwait(false);
    }

    private static async Task WriteJson(HttpContext context, int status, Action<Utf8JsonWriter> fields)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = JsonType;
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            fields(writer);
            writer.WriteEndObject();
        }

        await context.Response.Body.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), context.RequestAborted).ConfigureAwait(false);
    }
}
