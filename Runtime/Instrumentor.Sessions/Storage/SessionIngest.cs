using System;
using System.Text.Json;
using System.Threading;

namespace Instrumentor.Sessions.Storage;

/// <summary>
/// The collector's side of <c>POST /v1/sessions</c>: validates a body completely, then commits it in one
/// transaction into the collector's store file. One instance per store; commits are serialized.
/// </summary>
internal sealed class SessionIngest : IDisposable
{
    private readonly SqliteSessionSink _sink;
    private readonly Lock _lock = new();

    internal SessionIngest(string databasePath) => _sink = new SqliteSessionSink(databasePath);

    /// <summary>Parses <paramref name="body"/>; throws <see cref="SessionJsonException"/> (with the JSON path) or <see cref="JsonException"/>.</summary>
    internal static SessionBatch Parse(ReadOnlyMemory<byte> body)
    {
        using JsonDocument document = JsonDocument.Parse(body);
        return Json.SessionJson.ReadBatch(document.RootElement);
    }

    internal WriteResult Commit(SessionBatch batch)
    {
        lock (_lock)
        {
            return _sink.Write(batch);
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _sink.Dispose();
        }
    }
}
