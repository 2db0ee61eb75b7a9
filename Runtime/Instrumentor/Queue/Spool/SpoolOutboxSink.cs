using System;
using System.Collections.Generic;
using System.Threading;

namespace Instrumentor;

/// <summary>
/// The writer's sink when there is no SQLite store but there are exporters: each batch is committed to the
/// <see cref="OutboxSpool"/> (formatted once into the stored form, tagged with its system), which the exporters read
/// by their own cursors. Opened on the writer's or an exporter's thread at first use, never the caller's.
/// </summary>
internal sealed class SpoolOutboxSink : ISpanSink
{
    private readonly object _openLock = new();
    private readonly string _directory;
    private readonly IReadOnlyList<string> _readers;
    private readonly long _segmentBytes;
    private readonly SystemInfo _system;
    private readonly SpanDataJson _json = new();
    private readonly List<(SpooledSpan Span, SystemInfo System)> _batch = new();
    private OutboxSpool? _outbox;
    private bool _disposed;

    /// <param name="directory">The outbox folder.</param>
    /// <param name="service">The service of this process's own spans.</param>
    /// <param name="readers">The exporters' names: a segment is deleted once all of them have it acknowledged.</param>
    /// <param name="segmentBytes">Where segments roll over.</param>
    internal SpoolOutboxSink(string directory, string? service, IReadOnlyList<string> readers, long segmentBytes = OutboxSpool.DefaultSegmentBytes)
    {
        _directory = directory;
        _readers = readers;
        _segmentBytes = segmentBytes;
        _system = ProcessSystemInfo.For(service);
    }

    /// <inheritdoc />
    public string Name => Volatile.Read(ref _outbox)?.Directory ?? _directory;

    /// <summary>The outbox, opened (and its earlier contents read) at first use.</summary>
    internal OutboxSpool Outbox
    {
        get
        {
            lock (_openLock)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                return _outbox ??= OutboxSpool.Open(_directory, _readers, _segmentBytes);
            }
        }
    }

    /// <inheritdoc />
    public void Write(ReadOnlySpan<SpanRecord> batch, SpoolCheckpoint? checkpoint)
    {
        OutboxSpool outbox = Outbox;
        _batch.Clear();
        try
        {
            foreach (ref readonly SpanRecord record in batch)
            {
                SpooledSpan span = SpooledSpan.From(record, _json);
                // A span spilled by an earlier run without a scope is this run's, as the SQLite store tags it.
                _batch.Add((span, span.ScopedSystem ?? _system));
            }

            outbox.Append(_batch, checkpoint);
        }
        finally
        {
            _batch.Clear();
        }
    }

    /// <inheritdoc />
    public long? ReadCheckpoint(string fileId) => Outbox.ReadCheckpoint(fileId);

    /// <summary>Nothing to purge by age: a segment goes as soon as every exporter has it acknowledged, and never before.</summary>
    public int Purge(long cutoffUnixMicroseconds, int limit) => 0;

    public void Dispose()
    {
        lock (_openLock)
        {
            _disposed = true;
            _outbox?.Dispose();
            _outbox = null;
        }
    }
}
