using System;
using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Text.Json;
using Google.Protobuf;
using Instrumentor.Collector.Otlp.Protos;
using Instrumentor.Collector.Store;

namespace Instrumentor.Collector.Otlp;

/// <summary>
/// Turns an OTLP trace request into the store's span batches, one per resource (its <c>service.name</c> is the
/// service, its <c>service.instance.id</c> the instance). A span: its name is the process; its attributes the captured
/// values (<c>instrumentor.arg.NAME</c> an input NAME, <c>instrumentor.result</c> the result, any other attribute an
/// input of that key); status ERROR is ERR, with the <c>exception</c> event's text (or the status message) as the
/// exception. A span that cannot be stored (bad ids, no name) is rejected alone: the OTLP partial success.
/// </summary>
internal sealed class OtlpSpanMapper
{
    /// <summary>The instrumentation scope of the runtime's own OTLP exporter.</summary>
    public const string InstrumentorScope = "Instrumentor";
    public const string ArgPrefix = "instrumentor.arg.";
    public const string OutputPrefix = "instrumentor.output.";
    public const string ResultKey = "instrumentor.result";
    public const string ProcessGroupKey = "instrumentor.process_group";
    public const string UnmeasuredKey = "instrumentor.unmeasured";
    public const string SystemIdKey = "instrumentor.system_id";
    public const string ThreadIdKey = "thread.id";

    private static readonly JsonEncodedText s_name = JsonEncodedText.Encode("n");
    private static readonly JsonEncodedText s_value = JsonEncodedText.Encode("v");
    private static readonly JsonEncodedText s_output = JsonEncodedText.Encode("o");

    private readonly ArrayBufferWriter<byte> _buffer = new(512);
    private readonly Utf8JsonWriter _writer;

    public OtlpSpanMapper() => _writer = new Utf8JsonWriter(_buffer);

    /// <summary>Spans rejected so far, and the reason of the first.</summary>
    public int Rejected { get; private set; }

    public string? FirstRejection { get; private set; }

    public List<SpanBatch> Map(ExportTraceServiceRequest request)
    {
        var batches = new List<SpanBatch>(request.ResourceSpans.Count);
        foreach (ResourceSpans resourceSpans in request.ResourceSpans)
        {
            var spans = new List<SpooledSpan>();
            foreach (ScopeSpans scopeSpans in resourceSpans.ScopeSpans)
            {
                string? scopeGroup = scopeSpans.Scope?.Name is { Length: > 0 } scope && scope != InstrumentorScope ? scope : null;
                foreach (Span span in scopeSpans.Spans)
                {
                    if (TryConvert(span, scopeGroup, out SpooledSpan? spooled, out string? reason))
                    {
                        spans.Add(spooled!);
                    }
                    else
                    {
                        Reject(reason!);
                    }
                }
            }

            if (spans.Count > 0)
            {
                (string? service, SenderIdentity? system) = Sender(resourceSpans.Resource);
                batches.Add(new SpanBatch(spans, service, system, null));
            }
        }

        return batches;
    }

    /// <summary>The service and instance a resource names (<c>service.name</c>, <c>service.instance.id</c>).</summary>
    public static (string? Service, SenderIdentity? System) Sender(Resource? resource)
    {
        if (resource is null)
        {
            return (null, null);
        }

        string? service = OtlpValues.Text(OtlpValues.Find(resource.Attributes, "service.name")) is { Length: > 0 } name ? name : null;
        string? instance = OtlpValues.Text(OtlpValues.Find(resource.Attributes, "service.instance.id")) is { Length: > 0 } id ? id : null;
        string? systemId = OtlpValues.Text(OtlpValues.Find(resource.Attributes, SystemIdKey));
        return (service, instance is null ? null : new SenderIdentity(service, systemId, instance));
    }

    private void Reject(string reason)
    {
        Rejected++;
        FirstRejection ??= reason;
    }

    private bool TryConvert(Span span, string? scopeGroup, out SpooledSpan? spooled, out string? reason)
    {
        spooled = null;
        if (!TryTraceId(span.TraceId, out ulong high, out ulong low))
        {
            reason = $"a span has the trace id '{Convert.ToHexStringLower(span.TraceId.Span)}' (it must be 16 bytes, not all zero)";
            return false;
        }

        if (!TrySpanId(span.SpanId, required: true, out ulong spanId))
        {
            reason = $"the span '{span.Name}' has the span id '{Convert.ToHexStringLower(span.SpanId.Span)}' (it must be 8 bytes, not zero)";
            return false;
        }

        if (!TrySpanId(span.ParentSpanId, required: false, out ulong parentId))
        {
            reason = $"the span {spanId:x16} has the parent span id '{Convert.ToHexStringLower(span.ParentSpanId.Span)}' (it must be 8 bytes or empty)";
            return false;
        }

        if (span.Name.Length is 0 or > 1024)
        {
            reason = $"the span {spanId:x16} has {(span.Name.Length == 0 ? "no name" : "a name longer than 1024 characters")}";
            return false;
        }

        string? group = scopeGroup;
        int threadId = 0;
        bool unmeasured = false;
        (string? ns, string? function) = (null, null);
        foreach (KeyValue attribute in span.Attributes)
        {
            switch (attribute.Key)
            {
                case ProcessGroupKey:
                    group = OtlpValues.Text(attribute.Value);
                    break;
                case ThreadIdKey when attribute.Value?.ValueCase == AnyValue.ValueOneofCase.IntValue && attribute.Value.IntValue is >= int.MinValue and <= int.MaxValue:
                    threadId = (int)attribute.Value.IntValue;
                    break;
                case UnmeasuredKey:
                    unmeasured = attribute.Value?.BoolValue == true;
                    break;
                case "code.namespace":
                    ns = OtlpValues.Text(attribute.Value);
                    break;
                case "code.function":
                    function = OtlpValues.Text(attribute.Value);
                    break;
            }
        }

        // code.namespace + code.function are the name itself when they spell it: not stored twice.
        bool codeIsName = ns is not null && function is not null && span.Name == ns + "." + function;
        ulong start = span.StartTimeUnixNano;
        ulong end = span.EndTimeUnixNano;
        bool error = span.Status?.Code == Status.Types.StatusCode.Error;
        spooled = new SpooledSpan
        {
            StartUnixMicroseconds = (long)(start / 1000),
            TraceHigh = high,
            TraceLow = low,
            SpanId = spanId,
            ParentSpanId = parentId,
            Status = error ? SpanStatus.Error : SpanStatus.Ok,
            // No end time (or ours for an unsampled error): not measured, as the ingest API's null duration_ms.
            DurationNanoseconds = unmeasured || end == 0 ? -1 : end > start ? (long)Math.Min(end - start, (ulong)long.MaxValue) : 1,
            ThreadId = threadId,
            Process = span.Name,
            ProcessGroup = string.IsNullOrEmpty(group) ? null : group,
            DataUtf8 = Data(span, codeIsName),
            Exception = ExceptionText(span),
        };
        reason = null;
        return true;
    }

    private byte[]? Data(Span span, bool skipCode)
    {
        int written = 0;
        _buffer.ResetWrittenCount();
        _writer.Reset(_buffer);
        _writer.WriteStartArray();
        foreach (KeyValue attribute in span.Attributes)
        {
            string key = attribute.Key;
            if (key is ProcessGroupKey or UnmeasuredKey || (key == ThreadIdKey && attribute.Value?.ValueCase == AnyValue.ValueOneofCase.IntValue)
                || (skipCode && key is "code.namespace" or "code.function") || key.Length == 0)
            {
                continue;
            }

            (string name, bool output) = key switch
            {
                ResultKey => ("result", true),
                _ when key.StartsWith(ArgPrefix, StringComparison.Ordinal) && key.Length > ArgPrefix.Length => (key[ArgPrefix.Length..], false),
                _ when key.StartsWith(OutputPrefix, StringComparison.Ordinal) && key.Length > OutputPrefix.Length => (key[OutputPrefix.Length..], true),
                _ => (key, false),
            };
            _writer.WriteStartObject();
            _writer.WriteString(s_name, name);
            if (output)
            {
                _writer.WriteNumber(s_output, 1);
            }

            if (OtlpValues.Text(attribute.Value) is { } text)
            {
                _writer.WriteString(s_value, text);
            }
            else
            {
                _writer.WriteNull(s_value);
            }

            _writer.WriteEndObject();
            written++;
        }

        _writer.WriteEndArray();
        _writer.Flush();
        return written == 0 ? null : _buffer.WrittenSpan.ToArray();
    }

    /// <summary>The text of the span's <c>exception</c> event (its stack trace, which in .NET starts with the type and
    /// message, else "type: message"); for an error span without one, the status message.</summary>
    internal static string? ExceptionText(Span span)
    {
        foreach (Span.Types.Event spanEvent in span.Events)
        {
            if (spanEvent.Name != "exception")
            {
                continue;
            }

            string? stack = OtlpValues.Text(OtlpValues.Find(spanEvent.Attributes, "exception.stacktrace"));
            if (!string.IsNullOrEmpty(stack))
            {
                return stack;
            }

            string? type = OtlpValues.Text(OtlpValues.Find(spanEvent.Attributes, "exception.type"));
            string? message = OtlpValues.Text(OtlpValues.Find(spanEvent.Attributes, "exception.message"));
            if (type is not null || message is not null)
            {
                return type is null ? message : message is null ? type : type + ": " + message;
            }
        }

        return span.Status is { Code: Status.Types.StatusCode.Error, Message.Length: > 0 } status ? status.Message : null;
    }

    internal static bool TryTraceId(ByteString id, out ulong high, out ulong low)
    {
        high = low = 0;
        if (id.Length != 16)
        {
            return false;
        }

        high = BinaryPrimitives.ReadUInt64BigEndian(id.Span);
        low = BinaryPrimitives.ReadUInt64BigEndian(id.Span[8..]);
        return high != 0 || low != 0;
    }

    internal static bool TrySpanId(ByteString id, bool required, out ulong value)
    {
        value = 0;
        if (id.Length == 0)
        {
            return !required;
        }

        if (id.Length != 8)
        {
            return false;
        }

        value = BinaryPrimitives.ReadUInt64BigEndian(id.Span);
        return value != 0 || !required;
    }
}
