using System;
using System.Buffers;
using System.Collections.Generic;
using System.Text.Json;
using Instrumentor.Collector.Json;
using Instrumentor.Collector.Store;

namespace Instrumentor.Collector.Ingest;

/// <summary>
/// Checks an ingested event against DESIGN.md §7 and turns it into the store's form. Required: <c>trace_id</c> (32 hex,
/// not all zeros), <c>span_id</c> (16 hex, not zero), <c>process</c>, <c>start</c> (ISO 8601) and <c>status</c>
/// (<c>OK</c> or <c>ERR</c>); <c>duration_ms</c> is a number ≥ 0 or null (not measured); every value needs a name.
/// </summary>
internal sealed class EventValidator
{
    private const int MaxProcessLength = 1024;
    private static readonly JsonEncodedText s_name = JsonEncodedText.Encode("n");
    private static readonly JsonEncodedText s_value = JsonEncodedText.Encode("v");
    private static readonly JsonEncodedText s_output = JsonEncodedText.Encode("o");

    private readonly ArrayBufferWriter<byte> _buffer = new(512);
    private readonly Utf8JsonWriter _writer;

    public EventValidator() => _writer = new Utf8JsonWriter(_buffer);

    /// <summary>Validates <paramref name="body"/> found at <paramref name="path"/>; on success <paramref name="span"/> is set.</summary>
    public bool TryConvert(IngestEvent? body, string path, out SpooledSpan span, out IngestFault? fault)
    {
        span = null!;
        if (body is null)
        {
            fault = new IngestFault(path, "an event object is required");
            return false;
        }

        if (!Ids.TryTrace(body.TraceId, path + ".trace_id", out ulong traceHigh, out ulong traceLow, out fault)
            || !Ids.TrySpan(body.SpanId, path + ".span_id", required: true, out ulong spanId, out fault)
            || !Ids.TrySpan(body.ParentSpanId, path + ".parent_span_id", required: false, out ulong parentSpanId, out fault))
        {
            return false;
        }

        if (string.IsNullOrEmpty(body.Process))
        {
            fault = new IngestFault(path + ".process", "process is required (Namespace.Type.Method)");
            return false;
        }

        if (body.Process.Length > MaxProcessLength)
        {
            fault = new IngestFault(path + ".process", $"process is longer than {MaxProcessLength} characters");
            return false;
        }

        if (body.Start is null)
        {
            fault = new IngestFault(path + ".start", "start is required (ISO 8601, e.g. 2026-12-01T17:52:25.123456Z)");
            return false;
        }

        if (!StoreText.TryParseTime(body.Start, out long start))
        {
            fault = new IngestFault(path + ".start", $"'{Shorten(body.Start)}' is not an ISO 8601 time");
            return false;
        }

        SpanStatus status;
        switch (body.Status)
        {
            case "OK":
                status = SpanStatus.Ok;
                break;
            case "ERR":
                status = SpanStatus.Error;
                break;
            case null:
                fault = new IngestFault(path + ".status", "status is required (OK or ERR)");
                return false;
            default:
                fault = new IngestFault(path + ".status", $"status must be OK or ERR, not '{Shorten(body.Status)}'");
                return false;
        }

        long duration = -1;
        if (body.DurationMs is { } ms)
        {
            if (!double.IsFinite(ms) || ms < 0 || ms > 1e12)
            {
                fault = new IngestFault(path + ".duration_ms", "duration_ms must be a number of milliseconds ≥ 0, or null when not measured");
                return false;
            }

            duration = Math.Max(1, (long)Math.Round(ms * 1_000_000));
        }

        if (!TryWriteData(body.Data, path + ".data", out byte[]? data, out fault))
        {
            return false;
        }

        span = new SpooledSpan
        {
            StartUnixMicroseconds = start,
            TraceHigh = traceHigh,
            TraceLow = traceLow,
            SpanId = spanId,
            ParentSpanId = parentSpanId,
            Status = status,
            DurationNanoseconds = duration,
            ThreadId = body.ThreadId ?? 0,
            Process = body.Process,
            ProcessGroup = string.IsNullOrEmpty(body.ProcessGroup) ? null : body.ProcessGroup,
            DataUtf8 = data,
            Exception = body.Exception,
        };
        return true;
    }

    private bool TryWriteData(List<IngestValue?>? values, string path, out byte[]? data, out IngestFault? fault)
    {
        data = null;
        fault = null;
        if (values is null || values.Count == 0)
        {
            return true;
        }

        _buffer.ResetWrittenCount();
        _writer.Reset(_buffer);
        _writer.WriteStartArray();
        for (int i = 0; i < values.Count; i++)
        {
            string at = $"{path}[{i}]";
            if (values[i] is not { } value)
            {
                fault = new IngestFault(at, "a value object is required");
                return false;
            }

            if (string.IsNullOrEmpty(value.Name))
            {
                fault = new IngestFault(at + ".name", "name is required (the parameter's name, or 'result')");
                return false;
            }

            bool output;
            switch (value.Type)
            {
                case null or "INPUT":
                    output = false;
                    break;
                case "OUTPUT":
                    output = true;
                    break;
                default:
                    fault = new IngestFault(at + ".type", $"type must be INPUT or OUTPUT, not '{Shorten(value.Type)}'");
                    return false;
            }

            _writer.WriteStartObject();
            _writer.WriteString(s_name, value.Name);
            if (output)
            {
                _writer.WriteNumber(s_output, 1);
            }

            if (value.Value is null)
            {
                _writer.WriteNull(s_value);
            }
            else
            {
                _writer.WriteString(s_value, value.Value);
            }

            _writer.WriteEndObject();
        }

        _writer.WriteEndArray();
        _writer.Flush();
        data = _buffer.WrittenSpan.ToArray();
        return true;
    }

    internal static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
