using System;
using System.Diagnostics;
using System.Security.Cryptography;

namespace Instrumentor;

/// <summary>
/// W3C ids without locks or allocations: a per-thread xoshiro256** generator seeded once from the OS.
/// Trace ids start with the Unix time in milliseconds so they arrive in roughly ascending order, which keeps
/// the trace-id index of the store append-mostly (a random key dirties every leaf page on each commit).
/// </summary>
internal static class SpanIds
{
    [ThreadStatic] private static Xoshiro t_state;

    private static readonly long s_unixMsAtStart = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - Environment.TickCount64;

    /// <summary>
    /// This thread's generator, seeded on first use. The hot path fetches it once per span and passes it by
    /// reference: each [ThreadStatic] access is a call into the runtime on Linux (a few ns), not a plain load.
    /// </summary>
    internal static ref Xoshiro ThreadRandom
    {
        get
        {
            ref Xoshiro state = ref t_state;
            if ((state.S0 | state.S1 | state.S2 | state.S3) == 0)
            {
                state.Seed();
            }

            return ref state;
        }
    }

    /// <summary>Seeds this thread's generator (tests: a fixed seed makes sampling reproducible).</summary>
    internal static void SeedCurrentThread(ulong seed)
    {
        ref Xoshiro state = ref t_state;
        // splitmix64 expands one seed into the four words, never all zero.
        state.S0 = SplitMix(ref seed);
        state.S1 = SplitMix(ref seed);
        state.S2 = SplitMix(ref seed);
        state.S3 = SplitMix(ref seed) | 1;
    }

    private static ulong SplitMix(ref ulong x)
    {
        ulong z = x += 0x9E3779B97F4A7C15;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
        return z ^ (z >> 31);
    }

    /// <summary>Returns 64 random bits from this thread's generator.</summary>
    internal static ulong NextRandom() => ThreadRandom.Next();

    /// <summary>A new span id: 8 random bytes, never zero (zero means "no span" in W3C).</summary>
    internal static ulong NewSpanId() => NewSpanId(ref ThreadRandom);

    /// <summary>A new span id from <paramref name="random"/> (this thread's generator).</summary>
    internal static ulong NewSpanId(ref Xoshiro random)
    {
        ulong id = random.Next();
        return id != 0 ? id : 1;
    }

    /// <summary>A new trace id: 48 bits of Unix milliseconds, then 80 random bits.</summary>
    internal static void NewTraceId(out ulong high, out ulong low) => NewTraceId(ref ThreadRandom, out high, out low);

    /// <summary>A new trace id from <paramref name="random"/> (this thread's generator).</summary>
    internal static void NewTraceId(ref Xoshiro random, out ulong high, out ulong low)
    {
        ulong unixMs = (ulong)(s_unixMsAtStart + Environment.TickCount64);
        high = (unixMs << 16) | (random.Next() & 0xFFFF);
        low = random.Next();
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

    /// <summary>xoshiro256** state; all zero means not seeded yet.</summary>
    internal struct Xoshiro
    {
        public ulong S0, S1, S2, S3;

        public void Seed()
        {
            Span<ulong> seed = stackalloc ulong[4];
            do
            {
                RandomNumberGenerator.Fill(System.Runtime.InteropServices.MemoryMarshal.AsBytes(seed));
            }
            while ((seed[0] | seed[1] | seed[2] | seed[3]) == 0);
            S0 = seed[0];
            S1 = seed[1];
            S2 = seed[2];
            S3 = seed[3];
        }

        public ulong Next()
        {
            ulong result = System.Numerics.BitOperations.RotateLeft(S1 * 5, 7) * 9;
            ulong t = S1 << 17;
            S2 ^= S0;
            S3 ^= S1;
            S1 ^= S2;
            S0 ^= S3;
            S2 ^= t;
            S3 = System.Numerics.BitOperations.RotateLeft(S3, 45);
            return result;
        }
    }
}
