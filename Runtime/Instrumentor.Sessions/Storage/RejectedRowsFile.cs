using System;
using System.Buffers;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text.Json;
using Instrumentor.Sessions.Json;

namespace Instrumentor.Sessions.Storage;

/// <summary>
/// Where session rows the store refused are set aside: <c>&lt;database&gt;.sessions.rejected</c>, next to the store,
/// JSON Lines appended and never rewritten. Each line is <c>{"rejected_at":"…Z","reason":"…","batch":{…}}</c>, where
/// <c>batch</c> holds the one row in the body shape of the collector's <c>POST /v1/sessions</c>, so a fixed line can be
/// sent again as it is.
/// </summary>
internal sealed class RejectedRowsFile
{
    private readonly object _lock = new();
    private readonly ArrayBufferWriter<byte> _buffer = new(1024);

    internal RejectedRowsFile(string databasePath) => Path = databasePath + ".sessions.rejected";

    internal string Path { get; }

    /// <summary>Appends <paramref name="rows"/>; throws if the file cannot be written.</summary>
    internal void Save(IReadOnlyList<RejectedRow> rows)
    {
        lock (_lock)
        {
            using var stream = new FileStream(Path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
            foreach (RejectedRow rejected in rows)
            {
                _buffer.ResetWrittenCount();
                using (var writer = new Utf8JsonWriter(_buffer))
                {
                    writer.WriteStartObject();
                    writer.WriteString("rejected_at", DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture));
                    writer.WriteString("reason", rejected.Reason.GetType().Name + ": " + rejected.Reason.Message);
                    writer.WritePropertyName("batch");
                    var one = new SessionBatch();
                    one.Add(rejected.Row);
                    SessionJson.WriteBatch(writer, one);
                    writer.WriteEndObject();
                }

                stream.Write(_buffer.WrittenSpan);
                stream.WriteByte((byte)'\n');
            }

            stream.Flush(flushToDisk: true);
        }
    }
}
