using System;

namespace Instrumentor.Analyzers.Symbols;

/// <summary>The names the runtime masks by default (DESIGN §2): a case-insensitive substring of a parameter name.</summary>
internal static class SensitiveNames
{
    private static readonly string[] s_fragments =
    {
        "password", "passwd", "secret", "token", "api_key", "apikey", "authorization", "credential", "private_key", "ssn",
    };

    /// <summary>Whether <paramref name="name"/> contains one of the default masked fragments, ignoring case.</summary>
    public static bool LooksSensitive(string name)
    {
        foreach (var fragment in s_fragments)
        {
            if (name.IndexOf(fragment, StringComparison.OrdinalIgnoreCase) >= 0)
            {
                return true;
            }
        }

        return false;
    }
}
