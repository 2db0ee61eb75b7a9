using System;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Threading;

namespace Instrumentor;

/// <summary>
/// The clock of the hot path: timestamps in <see cref="Stopwatch"/> ticks, comparable with
/// <see cref="Stopwatch.GetTimestamp"/> (the writer, the spool and the bridge convert them as before), read from the
/// CPU's time-stamp counter where it is a usable clock (<see cref="TscReader"/>) and mapped to Stopwatch ticks with
/// one multiplication. Two reads per sampled call are most of its cost: the Stopwatch costs 20–30 ns a read on a
/// virtual machine, the counter a few.
/// </summary>
/// <remarks>
/// <para>
/// The map from counter to Stopwatch ticks is calibrated in the background: until the first calibration (50 ms after
/// the first use, on the thread pool) the clock is the Stopwatch itself. Then <c>ticks = base + (tsc − baseTsc) × ratio</c>, with the ratio
/// measured over a longer and longer interval (50 ms, 1 s, 10 s, then every minute). Each new map starts where the
/// previous one was at that instant, so the clock never jumps, and goes back to the Stopwatch by slewing its ratio
/// (at most 100 ppm, so an interval is never measured more than 0.01% off): timestamps stay monotonic on a thread
/// and within microseconds of the Stopwatch.
/// </para>
/// <para>
/// A thread that moves to another CPU reads another CPU's counter: the kernel keeps them synchronized when it lists
/// the TSC as a clock source; a reading a few ns below the map's base is taken as the base (never before it).
/// </para>
/// </remarks>
internal static unsafe class SpanClock
{
    private const double MaxSlew = 1e-4;

    // The intervals after the start at which the map is measured again; then every minute.
    private static readonly TimeSpan[] s_schedule =
    {
        TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(60),
    };

    private static Map? s_map;
    private static int s_started;
    private static delegate* unmanaged[SuppressGCTransition]<long> s_readTsc;
    private static (long Tsc, long Timestamp) s_origin;
    private static Timer? s_timer;
    private static int s_calibrations;
    private static readonly object s_calibrationLock = new();

    /// <summary>Whether the clock reads the time-stamp counter (it does once calibrated, where usable).</summary>
    internal static bool UsesTsc => Volatile.Read(ref s_map) is not null;

    /// <summary>The current timestamp, in Stopwatch ticks.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static long Now()
    {
        Map? map = s_map;
        return map is not null ? map.Now() : NowUncalibrated();
    }

    /// <summary>The Stopwatch, until a map exists (for ever where the counter is not usable); the first call starts the calibration.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static long NowUncalibrated()
    {
        if (Volatile.Read(ref s_started) == 0)
        {
            EnsureStarted();
        }

        return Stopwatch.GetTimestamp();
    }

    /// <summary>
    /// Starts the calibration on the thread pool (the caller pays nothing but queuing it): finds the counter
    /// (<see cref="TscReader"/>), takes the origin, and measures the map 50 ms later.
    /// </summary>
    internal static void EnsureStarted()
    {
        if (Interlocked.Exchange(ref s_started, 1) == 0)
        {
            ThreadPool.UnsafeQueueUserWorkItem(static _ => Start(), null);
        }
    }

    private static void Start()
    {
        try
        {
            s_readTsc = TscReader.Read;
            if (s_readTsc is null)
            {
                return;
            }

            s_origin = ReadPair();
            // A timer, not a thread of ours: a callback on the thread pool now and then, nothing that keeps the process alive.
            s_timer = new Timer(static _ => Calibrate(), null, s_schedule[0], Timeout.InfiniteTimeSpan);
        }
        catch (Exception)
        {
            // The Stopwatch stays the clock.
        }
    }

    /// <summary>Measures the map again; runs on the timer (tests call it to skip the wait).</summary>
    internal static void Calibrate()
    {
        if (s_readTsc is null)
        {
            return;
        }

        try
        {
            // One at a time (the timer, a test): each new map continues the one before it.
            lock (s_calibrationLock)
            {
                Recalibrate();
            }
        }
        catch (Exception)
        {
            // The clock keeps its previous map (or the Stopwatch); nothing the tracer does may reach a thread-pool thread.
        }

        int done = Interlocked.Increment(ref s_calibrations);
        try
        {
            s_timer?.Change(s_schedule[Math.Min(done, s_schedule.Length - 1)], Timeout.InfiniteTimeSpan);
        }
        catch (ObjectDisposedException)
        {
            // The process is ending.
        }
    }

    private static void Recalibrate()
    {
        (long tsc, long timestamp) = ReadPair();
        long elapsedTsc = tsc - s_origin.Tsc;
        long elapsedTimestamp = timestamp - s_origin.Timestamp;
        if (elapsedTsc > 0 && elapsedTimestamp > 0)
        {
            double ratio = (double)elapsedTimestamp / elapsedTsc;
            Map? previous = s_map;
            // The new map starts now, where the previous one is now: a thread that read the previous map an
            // instant ago and reads this one next sees no step back.
            long at = s_readTsc();
            Map next;
            if (previous is null)
            {
                next = new Map(s_readTsc, at, timestamp + (long)((at - tsc) * ratio), ratio);
            }
            else
            {
                // Close the gap to the Stopwatch over the next minute by a ratio a little faster or slower, never
                // more than MaxSlew.
                long here = previous.ToTimestamp(at);
                long stopwatchHere = timestamp + (long)((at - tsc) * ratio);
                double slew = Math.Clamp((stopwatchHere - here) / (Stopwatch.Frequency * 60.0), -MaxSlew, MaxSlew);
                next = new Map(s_readTsc, at, here, ratio * (1 + slew));
            }

            Volatile.Write(ref s_map, next);
        }
    }

    /// <summary>A Stopwatch reading and the counter at the same instant (the closest of a few tries).</summary>
    private static (long Tsc, long Timestamp) ReadPair()
    {
        long bestWidth = long.MaxValue;
        (long, long) best = default;
        for (int i = 0; i < 5; i++)
        {
            long before = s_readTsc();
            long timestamp = Stopwatch.GetTimestamp();
            long after = s_readTsc();
            if (after - before < bestWidth)
            {
                bestWidth = after - before;
                best = (before + ((after - before) / 2), timestamp);
            }
        }

        return best;
    }

    /// <summary>One linear map from the counter to Stopwatch ticks; immutable, so a reader never sees half of a new one.</summary>
    private sealed class Map
    {
        private readonly delegate* unmanaged[SuppressGCTransition]<long> _read;
        private readonly long _baseTsc;
        private readonly long _baseTimestamp;
        // The ratio in 32.32 fixed point: one 64×64→128 multiplication per reading.
        private readonly ulong _ratioQ32;

        internal Map(delegate* unmanaged[SuppressGCTransition]<long> read, long baseTsc, long baseTimestamp, double ratio)
        {
            _read = read;
            _baseTsc = baseTsc;
            _baseTimestamp = baseTimestamp;
            _ratioQ32 = (ulong)Math.Round(ratio * 4294967296.0);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        internal long Now() => ToTimestamp(_read());

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        internal long ToTimestamp(long tsc)
        {
            ulong elapsed = (ulong)Math.Max(tsc - _baseTsc, 0);
            ulong high = Math.BigMul(elapsed, _ratioQ32, out ulong low);
            return _baseTimestamp + (long)((high << 32) | (low >> 32));
        }
    }
}
