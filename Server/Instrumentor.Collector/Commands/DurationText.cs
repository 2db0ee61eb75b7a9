using System;
using System.Globalization;

namespace Instrumentor.Collector.Commands;

/// <summary>Durations as people type them: <c>90s</c>, <c>30m</c>, <c>6h</c>, <c>1d</c>, <c>2w</c>; <c>0</c> means none.</summary>
internal static class DurationText
{
    public const string Help = "a number and a unit: s, m, h, d or w (90s, 30m, 6h, 1d)";

    public static bool TryParse(string text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        text = text.Trim();
        if (text == "0")
        {
            return true;
        }

        if (text.Length < 2)
        {
            return false;
        }

        double unit = char.ToLowerInvariant(text[^1]) switch
        {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            'd' => 86_400,
            'w' => 604_800,
            _ => 0,
        };
        if (unit == 0 || !double.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double value)
            || value < 0 || value * unit > TimeSpan.MaxValue.TotalSeconds / 2)
        {
            return false;
        }

        duration = TimeSpan.FromSeconds(value * unit);
        return true;
    }
}
