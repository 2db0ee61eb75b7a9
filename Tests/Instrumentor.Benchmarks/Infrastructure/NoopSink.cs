using System;
using System.Threading;

namespace Instrumentor.Benchmarks.Infrastructure;

/// <summary>
/// A sink that acknowledges every batch without storing it, so the real writer thread runs (dequeues, batches,
/// counts written) but no I/O is measured. Used where the caller's cost is the subject.
/// </summary>
internal sealed class NoopSink : ISpanSink
{
    private long _records;

    public string Name => "noop";

    public long Records => Volatile.Read(ref _records);

    public void Write(ReadOnlySpan<SpanRecord> batch, SpoolCheckpoint? checkpoint) => Interlocked.Add(ref _records, batch.Length);

    public long? ReadCheckpoint(string fileId) => null;

    public int Purge(long cutoffUnixMicroseconds, int limit) => 0;

    public void Dispose()
    {
    }
}
