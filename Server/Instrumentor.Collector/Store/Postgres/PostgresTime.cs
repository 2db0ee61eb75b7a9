using System;

namespace Instrumentor.Collector.Store.Postgres;

/// <summary>Converts between the API's microseconds and store text and PostgreSQL's <c>timestamptz</c> (a UTC <see cref="DateTime"/>).</summary>
internal static class PostgresTime
{
    public const long MicrosecondsPerDay = 86_400_000_000L;

    public static DateTime FromMicroseconds(long unixMicroseconds) => DateTime.UnixEpoch.AddTicks(unixMicroseconds * 10);

    public static long ToMicroseconds(DateTime time) => (time.Ticks - DateTime.UnixEpoch.Ticks) / 10;

    /// <summary>The store text (<c>YYYY-MM-DD HH:MM:SS.ffffff</c>) of a timestamp read back.</summary>
    public static string Text(DateTime time) => StoreText.Timestamp(ToMicroseconds(time));

    /// <summary>A store text (a keyset cursor's) as a parameter value.</summary>
    public static DateTime FromText(string storeText) => FromMicroseconds(StoreText.ParseTimestamp(storeText));

    /// <summary>The day (since the epoch, UTC) a time falls in: the partition it is stored in.</summary>
    public static long Day(long unixMicroseconds) => (long)Math.Floor(unixMicroseconds / (double)MicrosecondsPerDay);
}
