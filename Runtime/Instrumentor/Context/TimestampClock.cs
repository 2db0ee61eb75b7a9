using System;
using System.Diagnostics;

namespace Instrumentor;

/// <summary>
/// Converts the Stopwatch timestamps taken on the hot path into wall-clock time, on the writer thread.
/// One anchor is taken at start-up, so a span costs no <see cref="DateTime.UtcNow"/> call.
/// </summary>
internal static class TimestampClock
{
    private static readonly long s_anchorTimestamp = Stopwatch.GetTimestamp();
    private static readonly long s_anchorUnixMicroseconds =
        (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerMicrosecond;
    private static readonly double s_microsecondsPerTick = 1_000_000.0 / Stopwatch.Frequency;
    private static readonly double s_nanosecondsPerTick = 1_000_000_000.0 / Stopwatch.Frequency;
    private static readonly long s_anchorUnixMilliseconds = s_anchorUnixMicroseconds / 1000;
    // Integer, so the hot path divides by a constant (the JIT folds a static readonly into one multiply and shift).
    private static readonly long s_ticksPerMillisecond = Math.Max(1, Stopwatch.Frequency / 1000);

    /// <summary>Microseconds since the Unix epoch (UTC) of a Stopwatch timestamp.</summary>
    internal static long ToUnixMicroseconds(long timestamp) =>
        s_anchorUnixMicroseconds + (long)((timestamp - s_anchorTimestamp) * s_microsecondsPerTick);

    /// <summary>
    /// Milliseconds since the Unix epoch (UTC) of a Stopwatch timestamp, on the hot path (a root's trace id prefix):
    /// integer arithmetic only. It may differ from <see cref="ToUnixMicroseconds"/> / 1000 by one at a millisecond
    /// boundary (the anchor's microseconds are dropped first), which an ordering prefix does not mind.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    internal static long ToUnixMilliseconds(long timestamp) =>
        s_anchorUnixMilliseconds + ((timestamp - s_anchorTimestamp) / s_ticksPerMillisecond);

    /// <summary>Nanoseconds between two Stopwatch timestamps.</summary>
    internal static long ToNanoseconds(long start, long end) => (long)((end - start) * s_nanosecondsPerTick);

    /// <summary>Microseconds since the Unix epoch, now.</summary>
    internal static long UnixMicrosecondsNow() => ToUnixMicroseconds(Stopwatch.GetTimestamp());
}
