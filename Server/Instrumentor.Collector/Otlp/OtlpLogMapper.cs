using System;
using System.Buffers;
using System.Collections.Generic;
using System.Text;
using System.Text.Json;
using Instrumentor.Collector.Otlp.Protos;
using Instrumentor.Collector.Store;

namespace Instrumentor.Collector.Otlp;

/// <summary>
/// Turns an OTLP logs request into log lines: the body is the message (the event name when there is no body), the
/// severity text (or the level its number stands for) the level, the scope name the logger, the resource's
/// <c>service.name</c> the service; <c>exception.*</c> attributes become the exception, the parent span id that
/// Instrumentor.Logging sends as <c>instrumentor.parent_span_id</c> (16 hex digits; OTLP log records have no field for
/// it) the parent, the others the attributes. A record with malformed ids is rejected alone.
/// </summary>
internal sealed class OtlpLogMapper
{
    internal const string ParentSpanIdKey = "instrumentor.parent_span_id";

    public int Rejected { get; private set; }

    public string? FirstRejection { get; private set; }

    public List<LogEntry> Map(ExportLogsServiceRequest request, long nowMicroseconds)
    {
        var logs = new List<LogEntry>();
        foreach (ResourceLogs resourceLogs in request.ResourceLogs)
        {
            (string? service, _) = OtlpSpanMapper.Sender(resourceLogs.Resource);
            foreach (ScopeLogs scopeLogs in resourceLogs.ScopeLogs)
            {
                string? logger = scopeLogs.Scope?.Name is { Length: > 0 } name ? name : null;
                foreach (LogRecord record in scopeLogs.LogRecords)
                {
                    if (TryConvert(record, logger, service, nowMicroseconds, out LogEntry? entry))
                    {
                        logs.Add(entry!);
                    }
                }
            }
        }

        return logs;
    }

    private bool TryConvert(LogRecord record, string? logger, string? service, long now, out LogEntry? entry)
    {
        entry = null;
        ulong high = 0, low = 0, spanId = 0;
        if (record.TraceId.Length != 0 && !OtlpSpanMapper.TryTraceId(record.TraceId, out high, out low))
        {
            Reject($"a log record has the trace id '{Convert.ToHexStringLower(record.TraceId.Span)}' (it must be 16 bytes, not all zero, or empty)");
            return false;
        }

        if (!OtlpSpanMapper.TrySpanId(record.SpanId, required: false, out spanId))
        {
            Reject($"a log record has the span id '{Convert.ToHexStringLower(record.SpanId.Span)}' (it must be 8 bytes or empty)");
            return false;
        }

        ulong time = record.TimeUnixNano != 0 ? record.TimeUnixNano : record.ObservedTimeUnixNano;
        string message = OtlpValues.Text(record.Body) ?? record.EventName;
        entry = new LogEntry(time == 0 ? now : (long)(time / 1000), Level(record), logger, message, high, low, spanId, Parent(record),
            Exception(record), Attributes(record), service);
        return true;
    }

    private void Reject(string reason)
    {
        Rejected++;
        FirstRejection ??= reason;
    }

    /// <summary>The severity text, else the level of the severity number's range (OTLP's TRACE..FATAL, 4 steps each).</summary>
    private static string? Level(LogRecord record) =>
        record.SeverityText.Length > 0
            ? record.SeverityText
            : record.SeverityNumber switch
            {
                >= 1 and <= 4 => "Trace",
                >= 5 and <= 8 => "Debug",
                >= 9 and <= 12 => "Information",
                >= 13 and <= 16 => "Warning",
                >= 17 and <= 20 => "Error",
                >= 21 and <= 24 => "Critical",
                _ => null,
            };

    // The parent span id Instrumentor.Logging sends as an attribute; 0 when absent or not 16 hex digits.
    private static ulong Parent(LogRecord record) =>
        OtlpValues.Text(OtlpValues.Find(record.Attributes, ParentSpanIdKey)) is { Length: 16 } hex
        && ulong.TryParse(hex, System.Globalization.NumberStyles.AllowHexSpecifier, System.Globalization.CultureInfo.InvariantCulture, out ulong parent)
            ? parent
            : 0;

    private static string? Exception(LogRecord record)
    {
        string? stack = OtlpValues.Text(OtlpValues.Find(record.Attributes, "exception.stacktrace"));
        if (!string.IsNullOrEmpty(stack))
        {
            return stack;
        }

        string? type = OtlpValues.Text(OtlpValues.Find(record.Attributes, "exception.type"));
        string? message = OtlpValues.Text(OtlpValues.Find(record.Attributes, "exception.message"));
        return type is null ? message : message is null ? type : type + ": " + message;
    }

    private static string? Attributes(LogRecord record)
    {
        var buffer = new ArrayBufferWriter<byte>();
        int written = 0;
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (KeyValue attribute in record.Attributes)
            {
                if (attribute.Key.StartsWith("exception.", StringComparison.Ordinal) || attribute.Key.Length == 0 || attribute.Key == ParentSpanIdKey)
                {
                    continue;
                }

                writer.WritePropertyName(attribute.Key);
                OtlpValues.Write(writer, attribute.Value);
                written++;
            }

            writer.WriteEndObject();
        }

        return written == 0 ? null : Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
