using System;

namespace Instrumentor.Generator.Parser;

/// <summary>
/// The parameter names masked by default (DESIGN.md §2): a case-insensitive substring match, so
/// <c>userPassword</c> and <c>API_KEY</c> are masked too. Underscores and hyphens are ignored on both sides, so
/// the list's <c>private_key</c> also covers the C# spelling <c>privateKey</c>. A false positive only hides a
/// value; a false negative would leak a secret, so the match is deliberately broad.
/// </summary>
internal static class SensitiveNames
{
    private static readonly string[] s_fragments =
    {
        "password", "passwd", "secret", "token", "apikey", "authorization", "credential", "privatekey", "ssn",
    };

    public static bool Matches(string name)
    {
        string normalized = name.Replace("_", "").Replace("-", "");
        foreach (string fragment in s_fragments)
        {
            if (normalized.IndexOf(fragment, StringComparison.OrdinalIgnoreCase) >= 0)
            {
                return true;
            }
        }

        return false;
    }
}
