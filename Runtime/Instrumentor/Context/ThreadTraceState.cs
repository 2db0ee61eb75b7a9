using System;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;

namespace Instrumentor;

/// <summary>
/// All the tracing state of one thread in one <c>[ThreadStatic]</c> slot: the frame of the innermost synchronous
/// monitored call and the id counter. One slot because each <c>[ThreadStatic]</c> access is a runtime lookup: the
/// hot path fetches this once per span and works on it by reference.
/// </summary>
internal struct ThreadTraceState
{
    [ThreadStatic] private static ThreadTraceState t_current;

    /// <summary>The span of the innermost sync monitored call running on this thread (inactive when none).</summary>
    internal ThreadSpanFrame Frame;

    // The key counter: advanced by one per key (so span ids ascend on the thread); seeded from the OS on first use.
    private ulong _counter;
    private bool _seeded;

    /// <summary>This thread's state, seeded on first use.</summary>
    internal static ref ThreadTraceState Current
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get
        {
            ref ThreadTraceState state = ref t_current;
            if (!state._seeded)
            {
                state.Seed();
            }

            return ref state;
        }
    }

    /// <summary>This thread's state without the seeding check (restoring a frame draws nothing).</summary>
    internal static ref ThreadTraceState Unchecked
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => ref t_current;
    }

    /// <summary>The next key of this thread: unique on the thread for 2^64 draws; ids are derived from it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal ulong NextKey() => ++_counter;

    /// <summary>64 random bits: splitmix64's output function of the next key.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal ulong NextRandom() => SpanIds.Mix(NextKey());

    /// <summary>Seeds this thread's generator (tests: a fixed seed makes sampling reproducible).</summary>
    internal static void SeedCurrentThread(ulong seed)
    {
        ref ThreadTraceState state = ref t_current;
        state._counter = seed;
        state._seeded = true;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Seed()
    {
        Span<byte> seed = stackalloc byte[sizeof(ulong)];
        RandomNumberGenerator.Fill(seed);
        _counter = BitConverter.ToUInt64(seed);
        _seeded = true;
    }
}
