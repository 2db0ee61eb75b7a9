using System;
using System.Globalization;
using System.Text.Json;
using Google.Protobuf;
using Google.Protobuf.Collections;
using Instrumentor.Collector.Otlp.Protos;

namespace Instrumentor.Collector.Otlp;

/// <summary>
/// Reads OTLP/JSON (the OTLP specification's JSON mapping: lowerCamelCase keys, trace and span ids as hex, enums as
/// integers, 64-bit integers as decimal strings or numbers, bytes values as base64) into the protobuf messages, so
/// both encodings go through one mapping. Unknown keys are ignored; a known key with a value of the wrong type is an
/// <see cref="OtlpFormatException"/> naming its JSON path.
/// </summary>
internal static class OtlpJson
{
    public static ExportTraceServiceRequest ParseTraces(ReadOnlyMemory<byte> body)
    {
        using JsonDocument document = Parse(body);
        var request = new ExportTraceServiceRequest();
        foreach ((JsonElement item, string at) in Items(Root(document), "resourceSpans", "$"))
        {
            var resourceSpans = new ResourceSpans { Resource = Resource(item, at) };
            foreach ((JsonElement scopeItem, string scopeAt) in Items(item, "scopeSpans", at))
            {
                var scopeSpans = new ScopeSpans { Scope = Scope(scopeItem, scopeAt) };
                foreach ((JsonElement spanItem, string spanAt) in Items(scopeItem, "spans", scopeAt))
                {
                    scopeSpans.Spans.Add(Span(spanItem, spanAt));
                }

                resourceSpans.ScopeSpans.Add(scopeSpans);
            }

            request.ResourceSpans.Add(resourceSpans);
        }

        return request;
    }

    public static ExportLogsServiceRequest ParseLogs(ReadOnlyMemory<byte> body)
    {
        using JsonDocument document = Parse(body);
        var request = new ExportLogsServiceRequest();
        foreach ((JsonElement item, string at) in Items(Root(document), "resourceLogs", "$"))
        {
            var resourceLogs = new ResourceLogs { Resource = Resource(item, at) };
            foreach ((JsonElement scopeItem, string scopeAt) in Items(item, "scopeLogs", at))
            {
                var scopeLogs = new ScopeLogs { Scope = Scope(scopeItem, scopeAt) };
                foreach ((JsonElement logItem, string logAt) in Items(scopeItem, "logRecords", scopeAt))
                {
                    scopeLogs.LogRecords.Add(Log(logItem, logAt));
                }

                resourceLogs.ScopeLogs.Add(scopeLogs);
            }

            request.ResourceLogs.Add(resourceLogs);
        }

        return request;
    }

    private static JsonDocument Parse(ReadOnlyMemory<byte> body)
    {
        try
        {
            return JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException e)
        {
            throw new OtlpFormatException("the body is not valid JSON: " + e.Message, e);
        }
    }

    private static JsonElement Root(JsonDocument document) =>
        document.RootElement.ValueKind == JsonValueKind.Object
            ? document.RootElement
            : throw new OtlpFormatException("$: the body must be a JSON object");

    private static Span Span(JsonElement item, string at)
    {
        var span = new Span
        {
            TraceId = Id(item, "traceId", at, 16),
            SpanId = Id(item, "spanId", at, 8),
            ParentSpanId = Id(item, "parentSpanId", at, 8),
            Name = String(item, "name", at),
            Kind = (Span.Types.SpanKind)Int(item, "kind", at),
            StartTimeUnixNano = UInt64(item, "startTimeUnixNano", at),
            EndTimeUnixNano = UInt64(item, "endTimeUnixNano", at),
        };
        Attributes(item, at, span.Attributes);
        foreach ((JsonElement eventItem, string eventAt) in Items(item, "events", at))
        {
            var spanEvent = new Span.Types.Event
            {
                TimeUnixNano = UInt64(eventItem, "timeUnixNano", eventAt),
                Name = String(eventItem, "name", eventAt),
            };
            Attributes(eventItem, eventAt, spanEvent.Attributes);
            span.Events.Add(spanEvent);
        }

        if (Object(item, "status", at) is { } status)
        {
            span.Status = new Status
            {
                Code = (Status.Types.StatusCode)Int(status, "code", at + ".status"),
                Message = String(status, "message", at + ".status"),
            };
        }

        return span;
    }

    private static LogRecord Log(JsonElement item, string at)
    {
        var log = new LogRecord
        {
            TimeUnixNano = UInt64(item, "timeUnixNano", at),
            ObservedTimeUnixNano = UInt64(item, "observedTimeUnixNano", at),
            SeverityNumber = Int(item, "severityNumber", at),
            SeverityText = String(item, "severityText", at),
            TraceId = Id(item, "traceId", at, 16),
            SpanId = Id(item, "spanId", at, 8),
            EventName = String(item, "eventName", at),
        };
        if (item.TryGetProperty("body", out JsonElement body) && body.ValueKind != JsonValueKind.Null)
        {
            log.Body = Value(body, at + ".body");
        }

        Attributes(item, at, log.Attributes);
        return log;
    }

    private static Resource Resource(JsonElement item, string at)
    {
        var resource = new Resource();
        if (Object(item, "resource", at) is { } element)
        {
            Attributes(element, at + ".resource", resource.Attributes);
        }

        return resource;
    }

    private static InstrumentationScope Scope(JsonElement item, string at)
    {
        var scope = new InstrumentationScope();
        if (Object(item, "scope", at) is { } element)
        {
            scope.Name = String(element, "name", at + ".scope");
            scope.Version = String(element, "version", at + ".scope");
            Attributes(element, at + ".scope", scope.Attributes);
        }

        return scope;
    }

    private static void Attributes(JsonElement item, string at, RepeatedField<KeyValue> into)
    {
        foreach ((JsonElement pair, string pairAt) in Items(item, "attributes", at))
        {
            into.Add(Pair(pair, pairAt));
        }
    }

    private static KeyValue Pair(JsonElement pair, string at)
    {
        var keyValue = new KeyValue { Key = String(pair, "key", at) };
        if (pair.TryGetProperty("value", out JsonElement value) && value.ValueKind != JsonValueKind.Null)
        {
            keyValue.Value = Value(value, at + ".value");
        }

        return keyValue;
    }

    private static AnyValue Value(JsonElement value, string at)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw Fault(at, "must be an AnyValue object ({\"stringValue\": ...}, {\"intValue\": ...}, ...)");
        }

        var any = new AnyValue();
        foreach (JsonProperty property in value.EnumerateObject())
        {
            string propertyAt = at + "." + property.Name;
            JsonElement v = property.Value;
            switch (property.Name)
            {
                case "stringValue":
                    any.StringValue = v.ValueKind == JsonValueKind.String ? v.GetString()! : throw Fault(propertyAt, "must be a string");
                    break;
                case "boolValue":
                    any.BoolValue = v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean() : throw Fault(propertyAt, "must be true or false");
                    break;
                case "intValue":
                    any.IntValue = Int64(v, propertyAt);
                    break;
                case "doubleValue":
                    any.DoubleValue = Double(v, propertyAt);
                    break;
                case "bytesValue":
                    any.BytesValue = v.ValueKind == JsonValueKind.String && v.TryGetBytesFromBase64(out byte[]? bytes)
                        ? ByteString.CopyFrom(bytes)
                        : throw Fault(propertyAt, "must be base64 text");
                    break;
                case "arrayValue":
                    var array = new ArrayValue();
                    foreach ((JsonElement item, string itemAt) in Items(v, "values", propertyAt))
                    {
                        array.Values.Add(Value(item, itemAt));
                    }

                    any.ArrayValue = array;
                    break;
                case "kvlistValue":
                    var list = new KeyValueList();
                    foreach ((JsonElement item, string itemAt) in Items(v, "values", propertyAt))
                    {
                        list.Values.Add(Pair(item, itemAt));
                    }

                    any.KvlistValue = list;
                    break;
            }
        }

        return any;
    }

    private static System.Collections.Generic.IEnumerable<(JsonElement Item, string At)> Items(JsonElement parent, string name, string at)
    {
        if (parent.ValueKind != JsonValueKind.Object || !parent.TryGetProperty(name, out JsonElement array) || array.ValueKind == JsonValueKind.Null)
        {
            yield break;
        }

        if (array.ValueKind != JsonValueKind.Array)
        {
            throw Fault(at + "." + name, "must be an array");
        }

        int i = 0;
        foreach (JsonElement item in array.EnumerateArray())
        {
            string itemAt = $"{at}.{name}[{i++}]";
            yield return item.ValueKind == JsonValueKind.Object ? (item, itemAt) : throw Fault(itemAt, "must be an object");
        }
    }

    private static JsonElement? Object(JsonElement parent, string name, string at)
    {
        if (!parent.TryGetProperty(name, out JsonElement value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.Object ? value : throw Fault(at + "." + name, "must be an object");
    }

    private static string String(JsonElement parent, string name, string at)
    {
        if (!parent.TryGetProperty(name, out JsonElement value) || value.ValueKind == JsonValueKind.Null)
        {
            return "";
        }

        return value.ValueKind == JsonValueKind.String ? value.GetString()! : throw Fault(at + "." + name, "must be a string");
    }

    private static int Int(JsonElement parent, string name, string at)
    {
        if (!parent.TryGetProperty(name, out JsonElement value) || value.ValueKind == JsonValueKind.Null)
        {
            return 0;
        }

        // OTLP/JSON sends enums as integers only (not their names).
        return value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out int number)
            ? number
            : throw Fault(at + "." + name, "must be an integer (OTLP/JSON sends enums as numbers)");
    }

    private static ulong UInt64(JsonElement parent, string name, string at)
    {
        if (!parent.TryGetProperty(name, out JsonElement value) || value.ValueKind == JsonValueKind.Null)
        {
            return 0;
        }

        // The protobuf JSON mapping writes 64-bit integers as decimal strings; numbers are accepted too.
        if (value.ValueKind == JsonValueKind.Number && value.TryGetUInt64(out ulong number))
        {
            return number;
        }

        if (value.ValueKind == JsonValueKind.String && ulong.TryParse(value.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out number))
        {
            return number;
        }

        throw Fault(at + "." + name, "must be an unsigned 64-bit integer (a decimal string or a number)");
    }

    private static long Int64(JsonElement value, string at)
    {
        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out long number))
        {
            return number;
        }

        if (value.ValueKind == JsonValueKind.String && long.TryParse(value.GetString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out number))
        {
            return number;
        }

        throw Fault(at, "must be a 64-bit integer (a decimal string or a number)");
    }

    private static double Double(JsonElement value, string at)
    {
        if (value.ValueKind == JsonValueKind.Number)
        {
            return value.GetDouble();
        }

        // The protobuf JSON mapping spells the non-finite values as strings.
        return value.ValueKind == JsonValueKind.String && value.GetString() is { } text
            ? text switch
            {
                "NaN" => double.NaN,
                "Infinity" => double.PositiveInfinity,
                "-Infinity" => double.NegativeInfinity,
                _ => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double parsed) ? parsed : throw Fault(at, "must be a number"),
            }
            : throw Fault(at, "must be a number");
    }

    /// <summary>A trace or span id: hex text in OTLP/JSON (not base64 as in the generic protobuf JSON mapping).</summary>
    private static ByteString Id(JsonElement parent, string name, string at, int bytes)
    {
        string text = String(parent, name, at);
        if (text.Length == 0)
        {
            return ByteString.Empty;
        }

        if (text.Length != bytes * 2)
        {
            throw Fault(at + "." + name, $"must be {bytes * 2} hex digits");
        }

        try
        {
            return ByteString.CopyFrom(Convert.FromHexString(text));
        }
        catch (FormatException)
        {
            throw Fault(at + "." + name, $"must be {bytes * 2} hex digits");
        }
    }

    private static OtlpFormatException Fault(string at, string message) => new($"{at}: {message}");
}
