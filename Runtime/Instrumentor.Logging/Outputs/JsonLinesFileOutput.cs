using System.Collections.Generic;
using System.IO;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace Instrumentor.Logging;

/// <summary>Appends every line to a JSON Lines file (one object a line, the <c>/api/ingest</c> shape); flushed each batch.</summary>
internal sealed class JsonLinesFileOutput : ILogOutput
{
    private const int KeptBufferBytes = 4 * 1024 * 1024;

    private readonly FileStream _stream;
    private readonly Utf8JsonWriter _writer = new(Stream.Null);
    private MemoryStream _buffer = new();
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
        // One buffer for every batch (only the pipeline's worker writes here): a new one per batch grew by doubling to
        // past the large-object threshold, and those collections paused the logging threads too.
        MemoryStream buffer = _buffer;
        buffer.SetLength(0);
        _writer.Reset(buffer);
        foreach (LogRecord record in batch)
        {
            LogRecordJson.Write(_writer, record);
            _writer.Flush();
            buffer.WriteByte((byte)'\n');
            _writer.Reset();
        }

        buffer.Position = 0;
        await buffer.CopyToAsync(_stream, cancellationToken).ConfigureAwait(false);
        await _stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        if (buffer.Capacity > KeptBufferBytes)
        {
            // A batch of huge lines: do not keep its memory for the small ones that follow.
            _buffer = new MemoryStream();
        }
        Interlocked.Add(ref _counters.WrittenToFile, batch.Count);
    }

    public Task TickAsync(bool flushing, CancellationToken cancellationToken) => Task.CompletedTask;

    public ValueTask DisposeAsync()
    {
        _writer.Dispose();
        return _stream.DisposeAsync();
    }
}
