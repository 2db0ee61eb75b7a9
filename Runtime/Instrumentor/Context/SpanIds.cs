using System;
using System.Diagnostics;

namespace Instrumentor;

/// <summary>
/// W3C ids without locks or allocations. Every id is derived from a <em>key</em>, one step of the calling thread's
/// counter (<see cref="ThreadTraceState.NextKey"/>, an add from a random start), so keys that differ give ids that
/// differ. A span id is its key: the ids of one thread ascend, which keeps the store's span id index append-mostly
/// (one insertion point per writing thread; a random key dirties every leaf page on each commit), and threads and
/// processes start 64 random bits apart, so their runs do not meet. Trace ids of recorded roots start with the Unix
/// time in milliseconds, then 80 bits derived from the key (see <see cref="NewTraceId(ulong, long, out ulong, out ulong)"/>),
/// so they arrive in roughly ascending order too and stay unguessable.
/// </summary>
internal static class SpanIds
{
    // Distinct offsets so the two halves of a derived trace id are not the same function of the key.
    private const ulong TraceLowOffset = 0x632BE59BD9B4E019;
    private const ulong TraceHighOffset = 0x8CB92BA72F3D8DD7;

    // 2^64 / golden ratio: the top bits of key × this are spread evenly even for consecutive keys (Fibonacci hashing).
    private const ulong Fibonacci = 0x9E3779B97F4A7C15;

    /// <summary>The splitmix64 output function: a bijection of 64-bit values with good avalanche.</summary>
    internal static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
        return z ^ (z >> 31);
    }

    /// <summary>
    /// The key whose span id is <paramref name="spanId"/>: a span that takes the id of its OpenTelemetry activity keeps
    /// this key in the thread's frame, so its children name it as parent.
    /// </summary>
    internal static ulong KeyOf(ulong spanId) => spanId;

    /// <summary>The span id of a key: the key itself, never zero (zero means "no span" in W3C).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    internal static ulong SpanIdOf(ulong key) => key != 0 ? key : 1;

    /// <summary>A new span id from this thread's counter.</summary>
    internal static ulong NewSpanId() => SpanIdOf(ThreadTraceState.Current.NextKey());

    /// <summary>A new trace id from this thread's counter: 48 bits of Unix milliseconds (now), then 80 random bits.</summary>
    internal static void NewTraceId(out ulong high, out ulong low) =>
        NewTraceId(ThreadTraceState.Current.NextKey(), SpanClock.Now(), out high, out low);

    /// <summary>A trace id for a root recorded at <paramref name="timestamp"/> (a Stopwatch timestamp taken anyway).</summary>
    /// <remarks>
    /// The key has 64 bits, so the id cannot hold more randomness than that however it is mixed: the low half is the
    /// full mix (W3C's random flag covers the rightmost 7 bytes), and the 16 bits after the time are a Fibonacci hash
    /// of the key, one multiplication instead of a second mix (a root's trace id is on the sampled call's path).
    /// </remarks>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    internal static void NewTraceId(ulong key, long timestamp, out ulong high, out ulong low)
    {
        ulong unixMs = (ulong)TimestampClock.ToUnixMilliseconds(timestamp);
        high = (unixMs << 16) | (((key + TraceHighOffset) * Fibonacci) >> 48);
        low = Mix(key + TraceLowOffset);
    }

    /// <summary>
    /// The trace id of a root that was not sampled, derived from its key alone: it is computed only if a span of
    /// the trace fails, and every span of the trace computes the same one whenever it fails. It has no time prefix
    /// (it is drawn late, and such traces are rare: one error record each).
    /// </summary>
    internal static void DerivedTraceId(ulong rootKey, out ulong high, out ulong low)
    {
        high = Mix(rootKey + TraceHighOffset);
        low = Mix(rootKey + TraceLowOffset);
        if ((high | low) == 0)
        {
            low = 1; // all zero is not a valid W3C trace id
        }
    }

    /// <summary>Reads a W3C trace id into two big-endian halves.</summary>
    internal static void FromActivity(ActivityTraceId traceId, out ulong high, out ulong low)
    {
        Span<byte> bytes = stackalloc byte[16];
        traceId.CopyTo(bytes);
        high = System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(bytes);
        low = System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(bytes.Slice(8));
    }

    /// <summary>Reads a W3C span id as a big-endian 64-bit value.</summary>
    internal static ulong FromActivity(ActivitySpanId spanId)
    {
        Span<byte> bytes = stackalloc byte[8];
        spanId.CopyTo(bytes);
        return System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(bytes);
    }
}
