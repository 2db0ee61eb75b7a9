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

    /// <summary>Microseconds since the Unix epoch (UTC) of a Stopwatch timestamp.</summary>
    internal static long ToUnixMicroseconds(long timestamp) =>
        s_anchorUnixMicroseconds + (long)((timestamp - s_anchorTimestamp) * s_microsecondsPerTick);

    /// <summary>Nanoseconds between two Stopwatch timestamps.</summary>
    internal static long ToNanoseconds(long start, long end) => (long)((end - start) * s_nanosecondsPerTick);

    /// <summary>Microseconds since the Unix epoch, now.</summary>
    internal static long UnixMicrosecondsNow() => ToUnixMicroseconds(Stopwatch.GetTimestamp());
}
