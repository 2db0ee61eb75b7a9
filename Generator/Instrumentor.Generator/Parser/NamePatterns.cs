using System;
using System.Collections.Concurrent;
using System.Text.RegularExpressions;

namespace Instrumentor.Generator.Parser;

/// <summary>The regular expressions of <c>MonitorAll</c>, compiled once per pattern; an invalid one matches nothing.</summary>
internal static class NamePatterns
{
    private static readonly ConcurrentDictionary<string, Regex?> s_patterns = new(StringComparer.Ordinal);

    public static bool Matches(string pattern, string name)
    {
        Regex? regex = s_patterns.GetOrAdd(pattern, static p =>
        {
            try
            {
                return new Regex(p, RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100));
            }
            catch (ArgumentException)
            {
                return null;
            }
        });

        try
        {
            return regex?.IsMatch(name) == true;
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
    }
}
