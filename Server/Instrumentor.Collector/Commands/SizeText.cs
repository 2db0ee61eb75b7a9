using System;
using System.Globalization;

namespace Instrumentor.Collector.Commands;

/// <summary>Sizes as people type them: <c>500MB</c>, <c>2GB</c>, <c>64KB</c>, <c>1.5GB</c> or plain bytes (powers of 1024).</summary>
internal static class SizeText
{
    public const string Help = "bytes, or a number with KB, MB, GB or TB (64KB, 500MB, 2GB)";

    public static bool TryParse(string text, out long bytes)
    {
        bytes = 0;
        text = text.Trim();
        (string number, long unit) = Split(text);
        if (!double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double value) || value <= 0
            || value * unit > long.MaxValue / 2)
        {
            return false;
        }

        bytes = (long)(value * unit);
        return bytes > 0;
    }

    private static (string Number, long Unit) Split(string text)
    {
        foreach ((string suffix, long unit) in (ReadOnlySpan<(string, long)>)[("TB", 1L << 40), ("GB", 1L << 30), ("MB", 1L << 20), ("KB", 1L << 10), ("B", 1)])
        {
            if (text.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            {
                return (text[..^suffix.Length].TrimEnd(), unit);
            }
        }

        return (text, 1);
    }
}
