using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text.Json;

namespace Instrumentor.Logging;

/// <summary>
/// Writes <see cref="LogRecord"/>s as JSON with <see cref="Utf8JsonWriter"/> (no serializer, no reflection): the
/// object of one line, an array of lines (the <c>/api/ingest</c> body), and the values of state fields.
/// </summary>
internal static class LogRecordJson
{
    // Names the line itself uses: a state field of the same name is written with a "field." prefix instead.
    private static readonly HashSet<string> s_reserved = new(StringComparer.Ordinal)
    {
        "timestamp", "level", "event", "message", "logger", "trace_id", "span_id", "parent_id", "exception", "service", "event_id",
    };

    public static void WriteArray(Utf8JsonWriter writer, IReadOnlyList<LogRecord> records)
    {
        writer.WriteStartArray();
        foreach (LogRecord record in records)
        {
            Write(writer, record);
        }

        writer.WriteEndArray();
    }

    public static void Write(Utf8JsonWriter writer, LogRecord record)
    {
        writer.WriteStartObject();
        writer.WriteString("timestamp", record.Timestamp.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture));
        writer.WriteString("level", record.Level);
        writer.WriteString("event", record.Event);
        WriteOptional(writer, "logger", record.Logger);
        WriteOptional(writer, "trace_id", record.TraceId);
        WriteOptional(writer, "span_id", record.SpanId);
        WriteOptional(writer, "parent_id", record.ParentId);
        WriteOptional(writer, "service", record.Service);
        if (record.Exception is { } exception)
        {
            writer.WritePropertyName("exception");
            WriteException(writer, exception);
        }

        WriteFields(writer, record);
        writer.WriteEndObject();
    }

    /// <summary>The event id and the state and scope fields, as properties of the object being written.</summary>
    internal static void WriteFields(Utf8JsonWriter writer, LogRecord record)
    {
        if (record.EventId != 0)
        {
            writer.WriteNumber("event_id", record.EventId);
        }

        HashSet<string>? written = null;
        foreach (KeyValuePair<string, object?> field in record.Fields)
        {
            string name = field.Key == "{OriginalFormat}" ? "message_template" : field.Key;
            if (s_reserved.Contains(name))
            {
                name = "field." + name;
            }

            // The first value of a name wins (the state, then the innermost scope): JSON objects keep unique names.
            if (!(written ??= new HashSet<string>(StringComparer.Ordinal)).Add(name))
            {
                continue;
            }

            writer.WritePropertyName(name);
            WriteValue(writer, field.Value);
        }

    }

    /// <summary>Whether <paramref name="record"/> has fields <see cref="WriteFields"/> would write.</summary>
    internal static bool HasFields(LogRecord record) => record.EventId != 0 || record.Fields.Count > 0;

    private static void WriteOptional(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }

    internal static void WriteException(Utf8JsonWriter writer, LogException exception)
    {
        writer.WriteStartObject();
        writer.WriteString("type", exception.Type);
        writer.WriteString("message", exception.Message);
        if (exception.Stack is not null)
        {
            writer.WriteString("stack", exception.Stack);
        }

        if (exception.Inner is { } inner)
        {
            writer.WritePropertyName("inner");
            WriteException(writer, inner);
        }

        writer.WriteEndObject();
    }

    /// <summary>A state value as JSON: numbers, booleans and strings as such, times in ISO 8601, anything else as its text.</summary>
    internal static void WriteValue(Utf8JsonWriter writer, object? value)
    {
        switch (value)
        {
            case null:
                writer.WriteNullValue();
                break;
            case string s:
                writer.WriteStringValue(s);
                break;
            case bool b:
                writer.WriteBooleanValue(b);
                break;
            case int i:
                writer.WriteNumberValue(i);
                break;
            case long l:
                writer.WriteNumberValue(l);
                break;
            case short or byte or sbyte or ushort or uint:
                writer.WriteNumberValue(Convert.ToInt64(value, CultureInfo.InvariantCulture));
                break;
            case ulong u:
                writer.WriteNumberValue(u);
                break;
            case double d when double.IsFinite(d):
                writer.WriteNumberValue(d);
                break;
            case float f when float.IsFinite(f):
                writer.WriteNumberValue(f);
                break;
            case decimal m:
                writer.WriteNumberValue(m);
                break;
            case DateTimeOffset t:
                writer.WriteStringValue(t.ToString("O", CultureInfo.InvariantCulture));
                break;
            case DateTime t:
                writer.WriteStringValue(t.ToString("O", CultureInfo.InvariantCulture));
                break;
            case Guid g:
                writer.WriteStringValue(g);
                break;
            case string[] strings:
                writer.WriteStartArray();
                foreach (string item in strings)
                {
                    writer.WriteStringValue(item);
                }

                writer.WriteEndArray();
                break;
            case IFormattable formattable:
                writer.WriteStringValue(formattable.ToString(null, CultureInfo.InvariantCulture));
                break;
            default:
                writer.WriteStringValue(SafeText(value));
                break;
        }
    }

    internal static string SafeText(object value)
    {
        try
        {
            return value.ToString() ?? "";
        }
        catch (Exception e)
        {
            // A user's ToString that throws must not lose the line.
            return $"<{value.GetType().Name}.ToString() threw {e.GetType().Name}>";
        }
    }
}
