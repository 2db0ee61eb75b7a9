using System;
using System.Buffers;
using System.Globalization;
using System.IO;
using System.Text.Json;

namespace Instrumentor;

/// <summary>
/// Where the writer sets aside a record that the store rejected (the one record at fault in a batch, found by
/// bisection): <c>&lt;database&gt;.rejected</c>, next to the database. It is JSON Lines (UTF-8, one object per line,
/// appended, never rewritten), so it can be read with any tool and nothing in it is lost or retried forever:
/// <code>
/// {"rejected_at":"2026-12-01T20:00:00.123456Z","reason":"System.ArgumentException: …","ts":"2026-12-01T19:59:59.000001Z",
///  "trace_id":"0123…(32 hex)","span_id":"(16 hex)","parent_span_id":"(16 hex)"|null,"process":"Ns.Type.Method",
///  "process_group":"…"|null,"status":"OK"|"ERR","duration_ns":123|null,"thread_id":7,"data":"[{…}]"|null,"exception":"…"|null}
/// </code>
/// <c>data</c> holds the span's captured values as the JSON text stored in <c>span.data</c> (a string, so a line
/// stays valid JSON whatever went wrong with them). Each line is flushed to disk before the writer moves on.
/// </summary>
internal sealed class RejectedFile : IDisposable
{
    private readonly ArrayBufferWriter<byte> _buffer = new(1024);
    private readonly SpanDataJson _json = new();
    private FileStream? _stream;

    internal RejectedFile(string path) => Path = path;

    internal string Path { get; }

    /// <summary>Appends <paramref name="record"/> with the reason it was rejected; throws if the file cannot be written.</summary>
    internal void Save(in SpanRecord record, Exception reason)
    {
        SpooledSpan span = SpooledSpan.From(record, _json);
        _buffer.ResetWrittenCount();
        using (var writer = new Utf8JsonWriter(_buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("rejected_at", DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture));
            writer.WriteString("reason", RecordText.Describe(reason));
            writer.WriteString("ts", DateTime.UnixEpoch.AddTicks(span.StartUnixMicroseconds * 10).ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture));
            writer.WriteString("trace_id", span.TraceHigh.ToString("x16", CultureInfo.InvariantCulture) + span.TraceLow.ToString("x16", CultureInfo.InvariantCulture));
            writer.WriteString("span_id", span.SpanId.ToString("x16", CultureInfo.InvariantCulture));
            if (span.ParentSpanId == 0)
            {
                writer.WriteNull("parent_span_id");
            }
            else
            {
                writer.WriteString("parent_span_id", span.ParentSpanId.ToString("x16", CultureInfo.InvariantCulture));
            }

            writer.WriteString("process", span.Process);
            writer.WriteString("process_group", span.ProcessGroup);
            writer.WriteString("status", span.Status == SpanStatus.Error ? "ERR" : "OK");
            if (span.DurationNanoseconds < 0)
            {
                writer.WriteNull("duration_ns");
            }
            else
            {
                writer.WriteNumber("duration_ns", span.DurationNanoseconds);
            }

            writer.WriteNumber("thread_id", span.ThreadId);
            if (span.DataUtf8 is null)
            {
                writer.WriteNull("data");
            }
            else
            {
                writer.WriteString("data", System.Text.Encoding.UTF8.GetString(span.DataUtf8));
            }

            writer.WriteString("exception", span.Exception);
            writer.WriteEndObject();
        }

        _buffer.Write("\n"u8);
        _stream ??= Open(Path);
        _stream.Write(_buffer.WrittenSpan);
        _stream.Flush(flushToDisk: true);
    }

    public void Dispose()
    {
        _stream?.Dispose();
        _stream = null;
    }

    private static FileStream Open(string path)
    {
        string? directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        return new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
    }
}
