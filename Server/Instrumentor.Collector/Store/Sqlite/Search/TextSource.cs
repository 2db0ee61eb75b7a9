namespace Instrumentor.Collector.Store.Sqlite.Search;

/// <summary>
/// Where one part of a text-filtered page finds its rows: every row (<see cref="Scan"/>, also the page without a text
/// filter), the search index's candidates up to its cursor (<see cref="Indexed"/>), or the rows after the cursor
/// (<see cref="After"/>).
/// </summary>
/// <param name="Match">The FTS5 query of the candidates (<see cref="SearchTerms"/>), or null.</param>
/// <param name="Through">The index's cursor, with <paramref name="Match"/>.</param>
/// <param name="After">Only rows with a higher row id, or null.</param>
internal readonly record struct TextSource(string? Match, long Through, long? After)
{
    /// <summary>Every row of the span table, through its indexes (as without the search index).</summary>
    public static TextSource Scan => default;

    /// <summary>The rows of the index's candidates for <paramref name="match"/>, up to <paramref name="through"/>.</summary>
    public static TextSource Indexed(string match, long through) => new(match, through, null);

    /// <summary>The rows after the index's cursor.</summary>
    public static TextSource Tail(long through) => new(null, 0, through);
}
