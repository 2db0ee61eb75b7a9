using System.Buffers;
using System.Text.Json;
using Instrumentor.Runtime;

namespace Instrumentor;

/// <summary>
/// Writes the captured values of a span as the compact JSON stored in <c>span.data</c>:
/// <c>[{"n":"a","v":"1"},{"n":"result","o":1,"v":"3"}]</c>. One instance is reused by the writer thread, so a
/// span costs no buffer allocation, only the text of its values.
/// </summary>
internal sealed class SpanDataJson
{
    private static readonly JsonEncodedText s_name = JsonEncodedText.Encode("n");
    private static readonly JsonEncodedText s_value = JsonEncodedText.Encode("v");
    private static readonly JsonEncodedText s_output = JsonEncodedText.Encode("o");

    private readonly ArrayBufferWriter<byte> _buffer = new(1024);
    private readonly Utf8JsonWriter _writer;

    internal SpanDataJson() => _writer = new Utf8JsonWriter(_buffer, new JsonWriterOptions { SkipValidation = true });

    /// <summary>The JSON (UTF-8) of <paramref name="record"/>'s values; empty when it captured nothing.</summary>
    internal System.ReadOnlySpan<byte> Write(in SpanRecord record)
    {
        _buffer.ResetWrittenCount();
        _writer.Reset(_buffer);
        if (record.ArgumentCount == 0 && !record.HasResult)
        {
            return default;
        }

        MonitorSite site = record.Site!;
        _writer.WriteStartArray();
        for (int i = 0; i < record.ArgumentCount; i++)
        {
            CapturedValue value = record.GetArgument(i);
            if (value.Kind == CaptureKind.None)
            {
                continue;
            }

            _writer.WriteStartObject();
            _writer.WriteString(s_name, i < site.ParameterNames.Length ? site.ParameterNames[i] : "arg" + i);
            WriteValue(value, site.MaxLength);
            _writer.WriteEndObject();
        }

        if (record.HasResult)
        {
            _writer.WriteStartObject();
            _writer.WriteString(s_name, "result");
            _writer.WriteNumber(s_output, 1);
            WriteValue(record.Result, site.MaxLength);
            _writer.WriteEndObject();
        }

        _writer.WriteEndArray();
        _writer.Flush();
        return _buffer.WrittenSpan;
    }

    /// <summary>
    /// The stored JSON (UTF-8) of already-formatted values, as <see cref="SpooledSpan.DataUtf8"/> holds it: for
    /// spans formatted in another process (the collector's ingest). Null when there are no values.
    /// </summary>
    internal static byte[]? FromValues(System.Collections.Generic.IEnumerable<(string Name, bool IsOutput, string? Value)> values)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using var writer = new Utf8JsonWriter(buffer);
        bool any = false;
        writer.WriteStartArray();
        foreach ((string name, bool isOutput, string? text) in values)
        {
            any = true;
            writer.WriteStartObject();
            writer.WriteString(s_name, name);
            if (isOutput)
            {
                writer.WriteNumber(s_output, 1);
            }

            if (text is null)
            {
                writer.WriteNull(s_value);
            }
            else
            {
                writer.WriteString(s_value, text);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.Flush();
        return any ? buffer.WrittenSpan.ToArray() : null;
    }

    private void WriteValue(in CapturedValue value, int maxLength)
    {
        string? text = CapturedValueFormatter.Format(value, maxLength);
        if (text is null)
        {
            _writer.WriteNull(s_value);
        }
        else
        {
            _writer.WriteString(s_value, text);
        }
    }
}
