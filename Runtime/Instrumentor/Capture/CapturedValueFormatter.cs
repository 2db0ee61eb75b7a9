using System;
using System.Globalization;
using System.Runtime.CompilerServices;

namespace Instrumentor.Runtime;

/// <summary>Turns a <see cref="CapturedValue"/> into the text stored in <c>data_value</c>; runs on the writer thread.</summary>
internal static class CapturedValueFormatter
{
    /// <summary>Formats <paramref name="value"/>; <see langword="null"/> for a null reference. Never throws.</summary>
    internal static string? Format(in CapturedValue value, int maxLength)
    {
        try
        {
            return FormatCore(value, maxLength);
        }
        catch (Exception ex)
        {
            // A formatter failure must never lose the span: store the reason instead of the value.
            return "<error: " + ex.Message + ">";
        }
    }

    private static string? FormatCore(in CapturedValue value, int maxLength)
    {
        CultureInfo inv = CultureInfo.InvariantCulture;
        switch (value.Kind)
        {
            case CaptureKind.None:
            case CaptureKind.Null:
                return null;
            case CaptureKind.Boolean:
                return value.Bits != 0 ? "true" : "false";
            case CaptureKind.Char:
                return ((char)value.Bits).ToString();
            case CaptureKind.Int64:
                return value.Bits.ToString(inv);
            case CaptureKind.UInt64:
                return unchecked((ulong)value.Bits).ToString(inv);
            case CaptureKind.Single:
                return ((float)BitConverter.Int64BitsToDouble(value.Bits)).ToString(inv);
            case CaptureKind.Double:
                return BitConverter.Int64BitsToDouble(value.Bits).ToString(inv);
            case CaptureKind.Decimal:
                return ToDecimal(value.Bits, value.Bits2).ToString(inv);
            case CaptureKind.DateTime:
                return DateTime.FromBinary(value.Bits).ToString("O", inv);
            case CaptureKind.DateTimeOffset:
                var utc = new DateTimeOffset(value.Bits, TimeSpan.Zero);
                return utc.ToOffset(TimeSpan.FromMinutes(value.Bits2)).ToString("O", inv);
            case CaptureKind.TimeSpan:
                return new TimeSpan(value.Bits).ToString("c", inv);
            case CaptureKind.Guid:
                return ToGuid(value.Bits, value.Bits2).ToString("D");
            case CaptureKind.String:
                return Truncate((string)value.Reference!, maxLength);
            case CaptureKind.Text:
                return (string)value.Reference!;
            case CaptureKind.Count:
                return "[" + (string)value.Reference! + " Count=" + value.Bits.ToString(inv) + "]";
            case CaptureKind.Length:
                return "[" + (string)value.Reference! + " Length=" + value.Bits.ToString(inv) + "]";
            case CaptureKind.Formatted:
                return ((ICapturedFormatter)value.Reference!).Format(value);
            default:
                return "<error: unknown capture kind " + ((int)value.Kind).ToString(inv) + ">";
        }
    }

    /// <summary>Cuts <paramref name="text"/> to <paramref name="maxLength"/> characters, marking the cut with "…".</summary>
    internal static string Truncate(string text, int maxLength) =>
        text.Length <= maxLength ? text : string.Concat(text.AsSpan(0, maxLength), "…");

    private static decimal ToDecimal(long low, long high)
    {
        Pair pair = new() { Low = low, High = high };
        return Unsafe.As<Pair, decimal>(ref pair);
    }

    private static Guid ToGuid(long low, long high)
    {
        Pair pair = new() { Low = low, High = high };
        return Unsafe.As<Pair, Guid>(ref pair);
    }

    private struct Pair
    {
        public long Low;
        public long High;
    }
}
