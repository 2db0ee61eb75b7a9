namespace Instrumentor.Analyzers.Symbols;

/// <summary>
/// The names the runtime masks by default (DESIGN §2), matched as the generator matches them: a case-insensitive
/// substring of the parameter name, ignoring <c>_</c> and <c>-</c> on both sides, so that the list's
/// <c>private_key</c> also covers <c>privateKey</c> and <c>api_key</c> covers <c>apiKey</c>.
/// </summary>
internal static class SensitiveNames
{
    /// <summary>Lowercase ASCII without separators, so that matching needs neither culture data nor an allocation.</summary>
    private static readonly string[] s_fragments =
    {
        "password", "passwd", "secret", "token", "apikey", "authorization", "credential", "privatekey", "ssn",
    };

    private static readonly char[] s_separators = { '_', '-' };

    /// <summary>The fragments by their first letter: most positions of a name start no fragment at all.</summary>
    private static readonly string[][] s_byFirstLetter = IndexByFirstLetter();

    /// <summary>Whether <paramref name="name"/> contains one of the default masked fragments, ignoring case.</summary>
    /// <remarks>
    /// Asked for every parameter of every method, so it is one pass over the name that tries only the fragments
    /// starting with the letter at hand, without <c>IndexOf(..., OrdinalIgnoreCase)</c> per fragment.
    /// </remarks>
    public static bool LooksSensitive(string name)
    {
        // Separators are rare in C# parameter names: only then is a stripped copy made.
        if (name.IndexOfAny(s_separators) >= 0)
        {
            name = name.Replace("_", string.Empty).Replace("-", string.Empty);
        }

        for (var start = 0; start < name.Length; start++)
        {
            var letter = ToLowerAscii(name[start]);
            if (letter is < 'a' or > 'z')
            {
                continue;
            }

            foreach (var fragment in s_byFirstLetter[letter - 'a'])
            {
                if (MatchesAt(name, start, fragment))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static bool MatchesAt(string text, int start, string lowercaseFragment)
    {
        if (text.Length - start < lowercaseFragment.Length)
        {
            return false;
        }

        for (var i = 1; i < lowercaseFragment.Length; i++)
        {
            if (ToLowerAscii(text[start + i]) != lowercaseFragment[i])
            {
                return false;
            }
        }

        return true;
    }

    private static char ToLowerAscii(char c) => c is >= 'A' and <= 'Z' ? (char)(c | 0x20) : c;

    private static string[][] IndexByFirstLetter()
    {
        var index = new string[26][];
        for (var letter = 'a'; letter <= 'z'; letter++)
        {
            var count = 0;
            foreach (var fragment in s_fragments)
            {
                count += fragment[0] == letter ? 1 : 0;
            }

            var group = new string[count];
            count = 0;
            foreach (var fragment in s_fragments)
            {
                if (fragment[0] == letter)
                {
                    group[count++] = fragment;
                }
            }

            index[letter - 'a'] = group;
        }

        return index;
    }
}
