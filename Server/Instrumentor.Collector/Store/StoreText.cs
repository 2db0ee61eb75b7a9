using System;
using System.Globalization;

namespace Instrumentor.Collector.Store;

/// <summary>
/// The text forms of ids and times the API shares with the store (docs/architecture.md, the store): the store keeps them as text
/// (<see cref="SpanText"/>, schema v3), so the API passes them through and converts only what a client sends.
/// </summary>
internal static class StoreText
{
    private static readonly long s_epochTicks = DateTime.UnixEpoch.Ticks;

    /// <summary>The store's timestamp text: <c>YYYY-MM-DD HH:MM:SS.ffffff</c>, UTC.</summary>
    public static string Timestamp(long unixMicroseconds) => SpanText.Timestamp(unixMicroseconds);

    /// <summary>ISO 8601 with <c>T</c> and <c>Z</c> (the <c>start</c> of an event) from the store's text.</summary>
    public static string Iso(string storeTimestamp) =>
        storeTimestamp.Length == SpanText.TimestampLength ? string.Concat(storeTimestamp.AsSpan(0, 10), "T", storeTimestamp.AsSpan(11), "Z") : storeTimestamp;

    public static long ToUnixMicroseconds(DateTimeOffset time) => (time.UtcTicks - s_epochTicks) / 10;

    /// <summary>Microseconds since the epoch of a store timestamp (fixed layout, parsed by hand: stats read a million of them).</summary>
    public static long ParseTimestamp(string text)
    {
        if (text.Length < 19)
        {
            return 0;
        }

        static int N(string s, int at, int count)
        {
            int value = 0;
            for (int i = at; i < at + count; i++)
            {
                value = value * 10 + (s[i] - '0');
            }

            return value;
        }

        long days = (new DateTime(N(text, 0, 4), N(text, 5, 2), N(text, 8, 2), 0, 0, 0, DateTimeKind.Utc).Ticks - s_epochTicks) / TimeSpan.TicksPerDay;
        long seconds = days * 86_400 + N(text, 11, 2) * 3600 + N(text, 14, 2) * 60 + N(text, 17, 2);
        int micros = text.Length >= 26 ? N(text, 20, 6) : 0;
        return seconds * 1_000_000 + micros;
    }

    /// <summary>Whether <paramref name="text"/> has the store's timestamp layout (digits where digits go).</summary>
    public static bool IsTimestamp(string text)
    {
        if (text.Length != SpanText.TimestampLength)
        {
            return false;
        }

        for (int i = 0; i < text.Length; i++)
        {
            char expected = i switch { 4 or 7 => '-', 10 => ' ', 13 or 16 => ':', 19 => '.', _ => '0' };
            if (expected == '0' ? !char.IsAsciiDigit(text[i]) : text[i] != expected)
            {
                return false;
            }
        }

        return DateTime.TryParseExact(text, "yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal, out _);
    }

    /// <summary>Parses exactly <paramref name="digits"/> (16 or 32) hex digits, either case.</summary>
    public static bool TryParseHex(ReadOnlySpan<char> text, int digits, out ulong high, out ulong low)
    {
        high = 0;
        if (digits == 32)
        {
            return SpanText.TryParseTraceId(text, out high, out low);
        }

        return SpanText.TryParseHex(text, out low);
    }

    /// <summary>The lowercase hex a client's id is stored as.</summary>
    public static string TraceId(ulong high, ulong low) => SpanText.Hex(high) + SpanText.Hex(low);

    /// <inheritdoc cref="TraceId"/>
    public static string SpanId(ulong id) => SpanText.Hex(id);

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
