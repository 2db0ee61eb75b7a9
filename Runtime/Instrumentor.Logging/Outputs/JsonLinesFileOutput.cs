using System.Collections.Generic;
using System.IO;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace Instrumentor.Logging;

/// <summary>Appends every line to a JSON Lines file (one object a line, the <c>/api/ingest</c> shape); flushed each batch.</summary>
internal sealed class JsonLinesFileOutput : ILogOutput
{
    private readonly FileStream _stream;
    private readonly LoggingCounters _counters;

    internal JsonLinesFileOutput(string path, LoggingCounters counters)
    {
        string full = Path.GetFullPath(path);
        if (Path.GetDirectoryName(full) is { Length: > 0 } directory)
        {
            Directory.CreateDirectory(directory);
        }

        _stream = new FileStream(full, FileMode.Append, FileAccess.Write, FileShare.ReadWrite);
        _counters = counters;
    }

    public async Task WriteAsync(IReadOnlyList<LogRecord> batch, CancellationToken cancellationToken)
    {
        var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            foreach (LogRecord record in batch)
            {
                LogRecordJson.Write(writer, record);
                writer.Flush();
                buffer.WriteByte((byte)'\n');
                writer.Reset();
            }
        }

        buffer.Position = 0;
        await buffer.CopyToAsync(_stream, cancellationToken).ConfigureAwait(false);
        await _stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        Interlocked.Add(ref _counters.WrittenToFile, batch.Count);
    }

    public Task TickAsync(bool flushing, CancellationToken cancellationToken) => Task.CompletedTask;

    public ValueTask DisposeAsync() => _stream.DisposeAsync();
}
