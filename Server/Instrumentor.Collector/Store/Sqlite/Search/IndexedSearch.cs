using System;
using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Instrumentor.Collector.Store.Sqlite.Search;

/// <summary>
/// Whether a text filter is answered from the search index: when the index is trusted, has at most
/// <see cref="MaxTail"/> rows left to index (so the rest is a short scan of a row id range; on the first start on a
/// large store, while the index is built, the filter scans as before) and the term has at most
/// <see cref="MaxCandidates"/> candidates. A term found in more rows is better served by the scan, which stops at the
/// first page of matches, than by fetching and sorting every candidate.
/// </summary>
internal static class IndexedSearch
{
    /// <summary>Candidates beyond which the scan answers.</summary>
    internal const int MaxCandidates = 10_000;

    /// <summary>Rows not indexed yet beyond which the scan answers.</summary>
    internal const long MaxTail = 20_000;

    /// <summary>The index's cursor when it answers <paramref name="match"/>, else null.</summary>
    internal static long? IndexedThrough(SqliteConnection connection, SqliteTransaction snapshot, string match)
    {
        long through = SearchIndex.Cursor(connection, snapshot);
        if (through < 0)
        {
            return null;
        }

        using SqliteCommand command = connection.CreateCommand();
        command.Transaction = snapshot;
        command.CommandText = "SELECT (SELECT coalesce(max(id), 0) FROM span) - $through;";
        command.Parameters.AddWithValue("$through", through);
        if (Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture) > MaxTail)
        {
            return null;
        }

        command.Parameters.Clear();
        command.CommandText = $"SELECT count(*) FROM (SELECT 1 FROM {SearchIndex.Table} WHERE {SearchIndex.Table} MATCH $match LIMIT $cap);";
        command.Parameters.AddWithValue("$match", match);
        command.Parameters.AddWithValue("$cap", MaxCandidates + 1);
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture) <= MaxCandidates ? through : null;
    }
}
