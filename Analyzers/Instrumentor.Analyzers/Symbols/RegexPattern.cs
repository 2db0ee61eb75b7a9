using System;
using System.Text.RegularExpressions;

namespace Instrumentor.Analyzers.Symbols;

/// <summary>Parses and matches the regular expressions of <c>[assembly: MonitorAll]</c>.</summary>
internal static class RegexPattern
{
    /// <summary>
    /// Bounds one match: a pathological pattern must slow the build by at most this much per method name, never hang it.
    /// </summary>
    private static readonly TimeSpan s_matchTimeout = TimeSpan.FromMilliseconds(100);

    /// <summary>Parses <paramref name="pattern"/>; on failure <paramref name="error"/> holds the parser's message.</summary>
    public static bool TryCreate(string pattern, out Regex? regex, out string? error)
    {
        try
        {
            regex = new Regex(pattern, RegexOptions.CultureInvariant, s_matchTimeout);
            error = null;
            return true;
        }
        catch (ArgumentException exception)
        {
            regex = null;
            error = exception.Message;
            return false;
        }
    }

    /// <summary>Whether <paramref name="regex"/> matches <paramref name="input"/>; a match that times out counts as no match.</summary>
    public static bool IsMatch(Regex regex, string input)
    {
        try
        {
            return regex.IsMatch(input);
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
    }
}
