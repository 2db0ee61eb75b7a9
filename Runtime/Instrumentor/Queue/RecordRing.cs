using System;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Threading;

namespace Instrumentor;

/// <summary>
/// The bounded queue of normal records: a lock-free multi-producer, single-consumer array ring (D. Vyukov's
/// bounded queue, with one sequence number per slot). A producer claims a slot with one compare-and-swap on the
/// tail and publishes it with one store; the writer reads published slots without any atomic operation. Nothing
/// is allocated after construction, and producers never take a lock the writer holds (the bounded
/// <c>Channel&lt;T&gt;</c> it replaces took one lock per record, in lock-step with the writer draining it).
/// </summary>
/// <remarks>
/// The slot count is <see cref="Capacity"/>, the requested capacity rounded up to a power of two so a position maps
/// to its slot with a mask. The tail's <see cref="ClosedBit"/> closes the ring atomically with the claims: a
/// producer that claimed a slot before the close always publishes into a ring the writer still drains.
/// Only one thread at a time may dequeue (the writer; at shutdown, the pipeline once the writer ended).
/// </remarks>
internal sealed class RecordRing
{
    private const long ClosedBit = 1L << 62;

    private readonly Slot[] _slots;
    private readonly long _mask;
    private Positions _positions;

    internal RecordRing(int capacity)
    {
        int size = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(2, capacity));
        _slots = new Slot[size];
        for (int i = 0; i < size; i++)
        {
            _slots[i].Sequence = i;
        }

        _mask = size - 1;
    }

    /// <summary>How many records fit: the requested capacity rounded up to a power of two.</summary>
    internal int Capacity => _slots.Length;

    /// <summary>Records claimed and not yet taken (a claimed slot may not be published yet).</summary>
    internal long Count => Math.Max(0, (Volatile.Read(ref _positions.Tail) & ~ClosedBit) - Volatile.Read(ref _positions.Head));

    /// <summary>Outcome of <see cref="TryEnqueue"/>.</summary>
    internal enum EnqueueResult
    {
        Enqueued,
        Full,
        Closed,
    }

    /// <summary>Copies <paramref name="record"/> into the ring; never blocks.</summary>
    internal EnqueueResult TryEnqueue(in SpanRecord record)
    {
        long position = Volatile.Read(ref _positions.Tail);
        while (true)
        {
            if ((position & ClosedBit) != 0)
            {
                return EnqueueResult.Closed;
            }

            ref Slot slot = ref _slots[position & _mask];
            long sequence = Volatile.Read(ref slot.Sequence);
            if (sequence == position)
            {
                long seen = Interlocked.CompareExchange(ref _positions.Tail, position + 1, position);
                if (seen == position)
                {
                    // One block move with one card-marking pass: a plain assignment takes a GC write barrier per
                    // reference field of the record (eleven), which measured 1.5× the block move.
                    new ReadOnlySpan<SpanRecord>(in record).CopyTo(new Span<SpanRecord>(ref slot.Record));
                    Volatile.Write(ref slot.Sequence, position + 1);
                    return EnqueueResult.Enqueued;
                }

                position = seen;
            }
            else if (sequence < position)
            {
                // The slot still holds the record of the previous lap: the writer has not taken it yet.
                return EnqueueResult.Full;
            }
            else
            {
                // Another producer claimed this position first.
                position = Volatile.Read(ref _positions.Tail);
            }
        }
    }

    /// <summary>Moves the next published record into <paramref name="record"/> (consumer only).</summary>
    internal bool TryDequeue(out SpanRecord record)
    {
        long head = _positions.Head;
        ref Slot slot = ref _slots[head & _mask];
        if (Volatile.Read(ref slot.Sequence) != head + 1)
        {
            // Empty, or the next producer claimed its slot and has not published it yet.
            record = default;
            return false;
        }

        record = slot.Record;
        slot.Record = default; // release the references (strings, exceptions) the record holds
        Volatile.Write(ref slot.Sequence, head + _slots.Length);
        Volatile.Write(ref _positions.Head, head + 1);
        return true;
    }

    /// <summary>
    /// After <see cref="Close"/>: the next record, waiting (up to <paramref name="timeout"/> in all) for a producer
    /// that claimed a slot to publish it. <see langword="false"/> once every claimed slot was taken.
    /// </summary>
    internal bool TryDequeueClosed(out SpanRecord record, TimeSpan timeout)
    {
        long end = Volatile.Read(ref _positions.Tail) & ~ClosedBit;
        if (_positions.Head >= end)
        {
            record = default;
            return false;
        }

        // A claimed slot is published within a few instructions unless its producer was descheduled in between.
        if (!SpinWait.SpinUntil(PeekPublished, timeout))
        {
            record = default;
            return false;
        }

        return TryDequeue(out record);
    }

    /// <summary>
    /// After <see cref="Close"/> and <see cref="TryDequeueClosed"/>: gives up on the slots that were claimed but never
    /// published (their producers were descheduled past the whole shutdown budget) and returns how many, so they are
    /// counted as lost instead of being left behind uncounted. Consumer only.
    /// </summary>
    internal long SkipUnpublished()
    {
        long end = Volatile.Read(ref _positions.Tail) & ~ClosedBit;
        long skipped = Math.Max(0, end - _positions.Head);
        Volatile.Write(ref _positions.Head, Math.Max(end, _positions.Head));
        return skipped;
    }

    /// <summary>Claims the next slot without publishing it (tests: a producer descheduled between claim and publish).</summary>
    internal bool TryClaimUnpublished()
    {
        long position = Volatile.Read(ref _positions.Tail);
        if ((position & ClosedBit) != 0 || Volatile.Read(ref _slots[position & _mask].Sequence) != position)
        {
            return false;
        }

        return Interlocked.CompareExchange(ref _positions.Tail, position + 1, position) == position;
    }

    /// <summary>
    /// Whether the next record can be taken now (consumer only). Unlike <see cref="Count"/>, a slot that a producer
    /// claimed but has not published yet does not count: the writer sleeps instead of spinning on it (that
    /// producer wakes the writer once it published).
    /// </summary>
    internal bool HasPublished => PeekPublished();

    private bool PeekPublished()
    {
        long head = _positions.Head;
        return Volatile.Read(ref _slots[head & _mask].Sequence) == head + 1;
    }

    /// <summary>Refuses every later <see cref="TryEnqueue"/>; what was claimed before stays readable.</summary>
    internal void Close()
    {
        long tail = Volatile.Read(ref _positions.Tail);
        while (true)
        {
            long seen = Interlocked.CompareExchange(ref _positions.Tail, tail | ClosedBit, tail);
            if (seen == tail)
            {
                return;
            }

            tail = seen;
        }
    }

    /// <summary>A record and its sequence number, padded to whole cache lines so neighbouring slots never share one.</summary>
    /// <remarks>
    /// Producers on different cores fill neighbouring slots at the same time: without the padding, the line holding
    /// the end of one slot and the start of the next moves between the cores on every enqueue.
    /// </remarks>
    [StructLayout(LayoutKind.Sequential, Size = SlotSize)]
    private struct Slot
    {
        internal SpanRecord Record;
        internal long Sequence;
    }

    private const int SlotSize = 320; // 5 cache lines: sizeof(SpanRecord) (256) + the sequence, rounded up

    /// <summary>The producers' tail and the consumer's head, each on its own cache line (no false sharing).</summary>
    [StructLayout(LayoutKind.Explicit, Size = 3 * CacheLine)]
    private struct Positions
    {
        private const int CacheLine = 64;

        [FieldOffset(CacheLine)]
        internal long Tail;

        [FieldOffset(2 * CacheLine)]
        internal long Head;
    }
}
