using Instrumentor.Generator.Specs;

namespace Instrumentor.Generator.Parser;

/// <summary>
/// Matches a method's own <c>SensitiveNames</c> as the default names are matched: a case-insensitive part of the
/// name, ignoring <c>_</c> and <c>-</c> on both sides (so <c>"pin"</c> covers <c>cardPin</c> and <c>PIN_CODE</c>).
/// </summary>
internal static class ExtraSensitiveNames
{
    public static bool Matches(string name, EquatableArray<string> fragments)
    {
        if (fragments.Length == 0)
        {
            return false;
        }

        string normalized = Normalize(name);
        foreach (string fragment in fragments)
        {
            string wanted = Normalize(fragment);
            if (wanted.Length > 0 && normalized.Contains(wanted))
            {
                return true;
            }
        }

        return false;
    }

    private static string Normalize(string text) =>
        text.Replace("_", string.Empty).Replace("-", string.Empty).TrimStart('@').ToLowerInvariant();
}
