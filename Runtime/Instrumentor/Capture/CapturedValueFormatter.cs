using System;
using System.Globalization;
using System.Runtime.CompilerServices;

namespace Instrumentor.Runtime;

/// <summary>Turns a <see cref="CapturedValue"/> into the text stored in <c>data_value</c>; runs on the writer thread.</summary>
internal static class CapturedValueFormatter
{
    /// <summary>
    /// The longest text stored for one value whatever the site's MaxLength says: far below what the JSON writer
    /// refuses (about 166 million characters), so a huge value is cut instead of failing its record.
    /// </summary>
    internal const int HardMaxLength = 1_000_000;

    /// <summary>Formats <paramref name="value"/>; <see langword="null"/> for a null reference. Never throws.</summary>
    internal static string? Format(in CapturedValue value, int maxLength)
    {
        try
        {
            return FormatCore(value, Math.Min(maxLength, HardMaxLength));
        }
        catch (Exception ex)
        {
            // A formatter failure must never lose the span: store the reason instead of the value. The exception's
            // Message is user code too: when reading it throws as well, the placeholder names the types instead.
            string message;
            try
            {
                message = ex.Message;
            }
            catch (Exception)
            {
                return RecordText.Unformattable(ValueTypeName(value), ex);
            }

            return "<error: " + Truncate(message ?? "", Math.Min(maxLength, HardMaxLength)) + ">";
        }
    }

    /// <summary>The type a captured value came from, for the placeholder of a value that could not be formatted.</summary>
    private static string ValueTypeName(in CapturedValue value)
    {
        if (value.Kind != CaptureKind.Formatted || value.Reference is null)
        {
            return value.Kind.ToString();
        }

        // DeferredFormat<T> and EnumFormatter<TEnum> hold the user's type as their type argument.
        Type holder = value.Reference.GetType();
        Type shown = holder.IsGenericType ? holder.GetGenericArguments()[0] : holder;
        return shown.FullName ?? shown.Name;
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
                // Fixed text made at the call (type names, dictionary keys): a key's ToString can be long.
                return Truncate((string)value.Reference!, maxLength);
            case CaptureKind.Count:
                return "[" + (string)value.Reference! + " Count=" + value.Bits.ToString(inv) + "]";
            case CaptureKind.Length:
                return "[" + (string)value.Reference! + " Length=" + value.Bits.ToString(inv) + "]";
            case CaptureKind.Formatted:
                // A user formatter's text is held to MaxLength like any string: a huge value must not bloat the row
                // nor exceed what the JSON writer accepts.
                string? formatted = ((ICapturedFormatter)value.Reference!).Format(value);
                return formatted is null ? null : Truncate(formatted, maxLength);
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
