using System.Collections.Generic;
using System.Text;

namespace Instrumentor.Collector.Store.Sqlite.Search;

/// <summary>
/// The FTS5 query that finds the candidates of a text filter in <see cref="SearchIndex"/>: every distinct trigram of the
/// term (three characters, as the trigram tokenizer counts them: Unicode code points), each a quoted string, joined by
/// FTS5's implicit AND. A row that contains the term contains all of them; the candidates are then checked with the
/// filter's <c>LIKE</c>. A term of fewer than three characters has no trigram and is answered by the scan.
/// </summary>
internal static class SearchTerms
{
    /// <summary>The MATCH expression for <paramref name="term"/>, or null when the index cannot answer it.</summary>
    internal static string? MatchOf(string term)
    {
        var characters = new List<string>(term.Length);
        foreach (Rune rune in term.EnumerateRunes())
        {
            // A lone surrogate (no UTF-8 form, stored as U+FFFD) or a NUL (ends the text for SQLite's tokenizer): scan.
            if (rune == Rune.ReplacementChar || rune.Value == 0)
            {
                return null;
            }

            characters.Add(rune.ToString());
        }

        if (characters.Count < 3)
        {
            return null;
        }

        var seen = new HashSet<string>(System.StringComparer.Ordinal);
        var match = new StringBuilder();
        for (int i = 0; i + 3 <= characters.Count; i++)
        {
            string trigram = characters[i] + characters[i + 1] + characters[i + 2];
            if (seen.Add(trigram))
            {
                match.Append(match.Length == 0 ? "\"" : " \"").Append(trigram.Replace("\"", "\"\"")).Append('"');
            }
        }

        return match.ToString();
    }
}
