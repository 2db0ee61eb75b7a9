using System;
using System.Globalization;

namespace Instrumentor;

/// <summary>
/// The text forms the store keeps (docs/architecture.md, the store): lowercase hex ids and UTC timestamps
/// <c>YYYY-MM-DD HH:MM:SS.ffffff</c>, written as UTF-8 into the caller's buffer without allocating.
/// </summary>
internal static class SpanText
{
    /// <summary>Length of a timestamp.</summary>
    internal const int TimestampLength = 26;

    /// <summary>Length of a span id (16 hex digits).</summary>
    internal const int SpanIdLength = 16;

    /// <summary>Length of a trace id (32 hex digits).</summary>
    internal const int TraceIdLength = 32;

    private const long MicrosecondsPerDay = 86_400_000_000L;

    /// <summary>Writes <paramref name="value"/> as 16 lowercase hex digits.</summary>
    internal static void WriteHex(ulong value, Span<byte> destination)
    {
        for (int i = 15; i >= 0; i--)
        {
            int digit = (int)(value & 0xF);
            destination[i] = (byte)(digit < 10 ? '0' + digit : 'a' - 10 + digit);
            value >>= 4;
        }
    }

    /// <summary>Writes the UTC timestamp of <paramref name="unixMicroseconds"/> (years 0001–9999).</summary>
    internal static void WriteTimestamp(long unixMicroseconds, Span<byte> destination)
    {
        long days = Math.DivRem(unixMicroseconds, MicrosecondsPerDay, out long inDay);
        if (inDay < 0)
        {
            days--;
            inDay += MicrosecondsPerDay;
        }

        DateOnly date = DateOnly.FromDayNumber((int)(days + DateOnly.FromDateTime(DateTime.UnixEpoch).DayNumber));
        Digits(date.Year, 4, destination);
        destination[4] = (byte)'-';
        Digits(date.Month, 2, destination[5..]);
        destination[7] = (byte)'-';
        Digits(date.Day, 2, destination[8..]);
        destination[10] = (byte)' ';
        long seconds = inDay / 1_000_000;
        Digits((int)(seconds / 3600), 2, destination[11..]);
        destination[13] = (byte)':';
        Digits((int)(seconds / 60 % 60), 2, destination[14..]);
        destination[16] = (byte)':';
        Digits((int)(seconds % 60), 2, destination[17..]);
        destination[19] = (byte)'.';
        Digits((int)(inDay % 1_000_000), 6, destination[20..]);
    }

    /// <summary>The timestamp text of <paramref name="unixMicroseconds"/>.</summary>
    internal static string Timestamp(long unixMicroseconds)
    {
        Span<byte> buffer = stackalloc byte[TimestampLength];
        WriteTimestamp(unixMicroseconds, buffer);
        return System.Text.Encoding.ASCII.GetString(buffer);
    }

    /// <summary>The 16-digit hex text of <paramref name="value"/>.</summary>
    internal static string Hex(ulong value)
    {
        Span<byte> buffer = stackalloc byte[SpanIdLength];
        WriteHex(value, buffer);
        return System.Text.Encoding.ASCII.GetString(buffer);
    }

    /// <summary>Parses exactly 16 hex digits (either case) into an id.</summary>
    internal static bool TryParseHex(ReadOnlySpan<char> text, out ulong value)
    {
        value = 0;
        return text.Length == SpanIdLength && ulong.TryParse(text, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>Parses exactly 32 hex digits into the two halves of a trace id.</summary>
    internal static bool TryParseTraceId(ReadOnlySpan<char> text, out ulong high, out ulong low)
    {
        low = 0;
        high = 0;
        return text.Length == TraceIdLength && TryParseHex(text[..16], out high) && TryParseHex(text[16..], out low);
    }

    private static void Digits(int value, int count, Span<byte> destination)
    {
        for (int i = count - 1; i >= 0; i--)
        {
            destination[i] = (byte)('0' + value % 10);
            value /= 10;
        }
    }
}
