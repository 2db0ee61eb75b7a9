using System;
using System.IO;
using System.Text;
using System.Text.Json;

namespace Instrumentor.Export;

/// <summary>
/// Spans an endpoint refused (400/413, alone after bisection), set aside as JSON Lines next to the store
/// (<c>&lt;db&gt;.export-rejected</c>): <c>{"rejected_at", "exporter", "reason", "event"}</c>, the event in the wire format.
/// </summary>
internal static class ExportRejectedFile
{
    internal static void Append(string path, string exporter, string reason, WireEvent span)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("rejected_at", DateTime.UtcNow.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
            writer.WriteString("exporter", exporter);
            writer.WriteString("reason", reason);
            writer.WritePropertyName("event");
            JsonSerializer.Serialize(writer, span, ExportJsonContext.Default.WireEvent);
            writer.WriteEndObject();
        }

        using var file = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite);
        file.Write(buffer.WrittenSpan);
        file.Write("\n"u8);
        file.Flush(flushToDisk: true);
    }
}
