using System.Collections.Concurrent;
using System.Threading;

namespace Instrumentor;

/// <summary>
/// Where normal records go when the bounded channel is full (policy Spill): an in-memory queue the writer
/// drains after the channel. Past <see cref="Capacity"/> the spooler moves its oldest records to the spool file,
/// so the caller never touches the disk.
/// </summary>
internal sealed class OverflowQueue
{
    private readonly ConcurrentQueue<SpanRecord> _items = new();
    private long _count;
    private volatile bool _closed;

    internal OverflowQueue(int capacity) => Capacity = capacity;

    internal int Capacity { get; }

    internal long Count => Volatile.Read(ref _count);

    internal bool IsOverCapacity => Count > Capacity;

    /// <summary>Adds a record unless the queue is closed; never blocks.</summary>
    internal bool TryEnqueue(in SpanRecord record)
    {
        if (_closed)
        {
            return false;
        }

        _items.Enqueue(record);
        Interlocked.Increment(ref _count);
        return true;
    }

    /// <summary>The oldest record, left in place (the spooler takes it only once it is safely in the spool).</summary>
    internal bool TryPeek(out SpanRecord record) => _items.TryPeek(out record);

    internal bool TryDequeue(out SpanRecord record)
    {
        if (_items.TryDequeue(out record))
        {
            Interlocked.Decrement(ref _count);
            return true;
        }

        return false;
    }

    /// <summary>Refuses new records; queued ones can still be taken.</summary>
    internal void Close() => _closed = true;
}
