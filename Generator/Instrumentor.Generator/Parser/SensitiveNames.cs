using System;

namespace Instrumentor.Generator.Parser;

/// <summary>
/// The parameter names masked by default (DESIGN.md §2): a case-insensitive substring match, so
/// <c>userPassword</c> and <c>API_KEY</c> are masked too. A false positive only hides a value; a false
/// negative would leak a secret, so the match is deliberately broad.
/// </summary>
internal static class SensitiveNames
{
    private static readonly string[] s_fragments =
    {
        "password", "passwd", "secret", "token", "api_key", "apikey", "authorization", "credential", "private_key", "ssn",
    };

    public static bool Matches(string name)
    {
        foreach (string fragment in s_fragments)
        {
            if (name.IndexOf(fragment, StringComparison.OrdinalIgnoreCase) >= 0)
            {
                return true;
            }
        }

        return false;
    }
}
