using System.Buffers;
using System.Collections.Generic;
using System.Text;
using System.Text.Json;
using Instrumentor.Collector.Json;
using Instrumentor.Collector.Store;

namespace Instrumentor.Collector.Ingest;

/// <summary>
/// Checks a log line of <c>POST /api/ingest</c>: the message (<c>event</c> or <c>message</c>) is required; the time
/// (<c>timestamp</c>, default now) and the ids, when present, must parse. Other fields become the line's attributes.
/// </summary>
internal static class LogValidator
{
    public static bool TryConvert(LogBody? body, string path, out LogEntry? log, out IngestFault? fault)
    {
        log = null;
        fault = null;
        if (body is null)
        {
            fault = new IngestFault(path, "a log object is required");
            return false;
        }

        string? message = body.Event ?? body.Message;
        if (message is null)
        {
            fault = new IngestFault(path + ".event", "event (the message) is required");
            return false;
        }

        long ts = StoreText.ToUnixMicroseconds(System.DateTimeOffset.UtcNow);
        if (body.Timestamp is { } text && !StoreText.TryParseTime(text, out ts))
        {
            fault = new IngestFault(path + ".timestamp", $"'{EventValidator.Shorten(text)}' is not an ISO 8601 time");
            return false;
        }

        ulong traceHigh = 0, traceLow = 0;
        if (body.TraceId is not null && !Ids.TryTrace(body.TraceId, path + ".trace_id", out traceHigh, out traceLow, out fault))
        {
            return false;
        }

        if (!Ids.TrySpan(body.SpanId, path + ".span_id", required: false, out ulong spanId, out fault)
            || !Ids.TrySpan(body.ParentId, path + ".parent_id", required: false, out ulong parentId, out fault))
        {
            return false;
        }

        string? exception = body.Exception switch
        {
            null => null,
            { ValueKind: JsonValueKind.Null } => null,
            { ValueKind: JsonValueKind.String } e => e.GetString(),
            { } e => e.GetRawText(),
        };

        log = new LogEntry(ts, body.Level, body.Logger, message, traceHigh, traceLow, spanId, parentId, exception,
            Attributes(body.Attributes), body.Service);
        return true;
    }

    private static string? Attributes(Dictionary<string, JsonElement>? attributes)
    {
        if (attributes is null || attributes.Count == 0)
        {
            return null;
        }

        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (KeyValuePair<string, JsonElement> attribute in attributes)
            {
                writer.WritePropertyName(attribute.Key);
                attribute.Value.WriteTo(writer);
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
