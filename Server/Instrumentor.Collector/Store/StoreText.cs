using System;
using System.Globalization;

namespace Instrumentor.Collector.Store;

/// <summary>The text forms of ids and times the API shares with the store's logical views (DESIGN.md §5).</summary>
internal static class StoreText
{
    private static readonly long s_epochTicks = DateTime.UnixEpoch.Ticks;

    /// <summary>32 lowercase hex digits.</summary>
    public static string TraceId(ulong high, ulong low) => string.Create(32, (high, low), static (chars, ids) =>
    {
        ids.high.TryFormat(chars, out _, "x16", CultureInfo.InvariantCulture);
        ids.low.TryFormat(chars[16..], out _, "x16", CultureInfo.InvariantCulture);
    });

    /// <summary>16 lowercase hex digits.</summary>
    public static string SpanId(ulong id) => id.ToString("x16", CultureInfo.InvariantCulture);

    /// <summary>The store's timestamp text: <c>YYYY-MM-DD HH:MM:SS.ffffff</c>, UTC.</summary>
    public static string Timestamp(long unixMicroseconds) =>
        ToDateTime(unixMicroseconds).ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture);

    /// <summary>ISO 8601 with microseconds and <c>Z</c>, the <c>start</c> of an event.</summary>
    public static string Iso(long unixMicroseconds) =>
        ToDateTime(unixMicroseconds).ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    public static DateTime ToDateTime(long unixMicroseconds) => new(s_epochTicks + unixMicroseconds * 10, DateTimeKind.Utc);

    public static long ToUnixMicroseconds(DateTimeOffset time) => (time.UtcTicks - s_epochTicks) / 10;

    /// <summary>Parses exactly <paramref name="digits"/> (16 or 32) hex digits, either case.</summary>
    public static bool TryParseHex(ReadOnlySpan<char> text, int digits, out ulong high, out ulong low)
    {
        high = low = 0;
        if (text.Length != digits)
        {
            return false;
        }

        if (digits == 32)
        {
            return ulong.TryParse(text[..16], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out high)
                && ulong.TryParse(text[16..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out low);
        }

        return ulong.TryParse(text, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out low);
    }

    /// <summary>Parses an ISO 8601 time (or the store's text form); a time without an offset is UTC.</summary>
    public static bool TryParseTime(string text, out long unixMicroseconds)
    {
        unixMicroseconds = 0;
        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out DateTimeOffset time))
        {
            return false;
        }

        unixMicroseconds = ToUnixMicroseconds(time);
        return true;
    }
}
