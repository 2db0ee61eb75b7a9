using System;

namespace Instrumentor.Collector.Store.Sqlite.Rollup;

/// <summary>
/// The whole minutes of a range that the rollups answer for, in microseconds: from the first minute start at or after
/// the range's start, and never before the end of the oldest span's minute (a purge may have cut into it, so it is read
/// from the spans), to the last minute start at or before the range's end. Also the one floor of a time to its minute,
/// shared by the fold and the queries.
/// </summary>
internal readonly record struct WholeMinutes(long From, long To)
{
    /// <summary>The minute (since the Unix epoch, floored) of a time in microseconds.</summary>
    internal static long MinuteOf(long microseconds) => Math.DivRem(microseconds, StatsRollup.MicrosecondsPerMinute, out long rest) - (rest < 0 ? 1 : 0);

    /// <summary>The minute (since the Unix epoch, floored) of a store timestamp.</summary>
    internal static long MinuteOf(string ts) => MinuteOf(StoreText.ParseTimestamp(ts));

    /// <summary>The whole minutes of [<paramref name="from"/>, <paramref name="to"/>), or null when fewer than two.</summary>
    internal static WholeMinutes? Of(long from, long to, string oldestTs)
    {
        long minute = StatsRollup.MicrosecondsPerMinute;
        long fullFrom = Math.Max((MinuteOf(from - 1) + 1) * minute, (MinuteOf(oldestTs) + 1) * minute);
        long fullTo = MinuteOf(to) * minute;
        return fullTo - fullFrom < 2 * minute ? null : new WholeMinutes(fullFrom, fullTo);
    }
}
