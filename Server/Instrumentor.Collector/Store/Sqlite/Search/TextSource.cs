namespace Instrumentor.Collector.Store.Sqlite.Search;

/// <summary>
/// Where one part of a text-filtered page finds its rows: every row (<see cref="Scan"/>, also the page without a text
/// filter), the search index's candidates up to its cursor (<see cref="Indexed"/>), or the rows after the cursor
/// (<see cref="After"/>).
/// </summary>
/// <param name="Candidates">The row ids the index found (a JSON array, <see cref="IndexedSearch.Candidates"/>), or null.</param>
/// <param name="After">Only rows with a higher row id, or null.</param>
internal readonly record struct TextSource(string? Candidates, long? After)
{
    /// <summary>Every row of the span table, through its indexes (as without the search index).</summary>
    public static TextSource Scan => default;

    /// <summary>The rows of the index's candidates (a JSON array of row ids).</summary>
    public static TextSource Indexed(string candidates) => new(candidates, null);

    /// <summary>The rows after the index's cursor.</summary>
    public static TextSource Tail(long through) => new(null, through);
}
