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
