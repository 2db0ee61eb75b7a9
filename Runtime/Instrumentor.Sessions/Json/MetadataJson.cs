using System;
using System.Buffers;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Instrumentor.Sessions.Json;

/// <summary>
/// Metadata dictionaries to JSON text and back, without reflection: strings, booleans, numbers, dates, GUIDs,
/// nested dictionaries, lists and <see cref="JsonElement"/>s are written as such; anything else as its
/// <see cref="object.ToString"/>.
/// </summary>
internal static class MetadataJson
{
    internal static string? Write(IReadOnlyDictionary<string, object?>? metadata)
    {
        if (metadata is null || metadata.Count == 0)
        {
            return null;
        }

        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WriteObject(writer, metadata);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    internal static void WriteObject(Utf8JsonWriter writer, IEnumerable<KeyValuePair<string, object?>> metadata)
    {
        writer.WriteStartObject();
        foreach (KeyValuePair<string, object?> entry in metadata)
        {
            writer.WritePropertyName(entry.Key);
            WriteValue(writer, entry.Value);
        }

        writer.WriteEndObject();
    }

    private static void WriteValue(Utf8JsonWriter writer, object? value)
    {
        switch (value)
        {
            case null: writer.WriteNullValue(); break;
            case string s: writer.WriteStringValue(s); break;
            case bool b: writer.WriteBooleanValue(b); break;
            case int i: writer.WriteNumberValue(i); break;
            case long l: writer.WriteNumberValue(l); break;
            case double d when double.IsFinite(d): writer.WriteNumberValue(d); break;
            case float f when float.IsFinite(f): writer.WriteNumberValue(f); break;
            case decimal m: writer.WriteNumberValue(m); break;
            case short or byte or uint or ushort or sbyte: writer.WriteNumberValue(Convert.ToInt64(value, CultureInfo.InvariantCulture)); break;
            case ulong u: writer.WriteNumberValue(u); break;
            case DateTime t: writer.WriteStringValue(t.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture)); break;
            case DateTimeOffset t: writer.WriteStringValue(t.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture)); break;
            case Guid g: writer.WriteStringValue(g); break;
            case JsonElement e: e.WriteTo(writer); break;
            case IEnumerable<KeyValuePair<string, object?>> nested: WriteObject(writer, nested); break;
            case IEnumerable<KeyValuePair<string, string>> nested:
                writer.WriteStartObject();
                foreach (KeyValuePair<string, string> entry in nested)
                {
                    writer.WriteString(entry.Key, entry.Value);
                }

                writer.WriteEndObject();
                break;
            case System.Collections.IEnumerable list:
                writer.WriteStartArray();
                foreach (object? item in list)
                {
                    WriteValue(writer, item);
                }

                writer.WriteEndArray();
                break;
            default: writer.WriteStringValue(Convert.ToString(value, CultureInfo.InvariantCulture)); break;
        }
    }

    /// <summary>JSON object text to a dictionary: strings, booleans, doubles (numbers), null; objects and arrays stay <see cref="JsonElement"/>s.</summary>
    internal static Dictionary<string, object?>? Read(string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return null;
        }

        using JsonDocument document = JsonDocument.Parse(json);
        return Read(document.RootElement);
    }

    internal static Dictionary<string, object?>? Read(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (JsonProperty property in element.EnumerateObject())
        {
            result[property.Name] = property.Value.ValueKind switch
            {
                JsonValueKind.String => property.Value.GetString(),
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                JsonValueKind.Number => property.Value.GetDouble(),
                JsonValueKind.Null => null,
                _ => property.Value.Clone(),
            };
        }

        return result;
    }
}
