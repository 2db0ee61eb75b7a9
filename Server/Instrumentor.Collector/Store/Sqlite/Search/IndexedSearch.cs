using System;
using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;

namespace Instrumentor.Collector.Store.Sqlite.Search;

/// <summary>
/// Whether a text filter is answered from the search index: when the index is trusted, has at most
/// <see cref="MaxTail"/> rows left to index (so the rest is a short scan of a row id range; on the first start on a
/// large store, while the index is built, the filter scans as before) and the term has at most
/// <see cref="MaxCandidates"/> candidates. A term found in more rows is better served by the scan, which stops at the
/// first page of matches, than by fetching and sorting every candidate (measured on 1,000,000 spans: 10,000 candidates
/// took longer than the scan of a term in 1 % of the spans).
/// </summary>
internal static class IndexedSearch
{
    /// <summary>Candidates beyond which the scan answers.</summary>
    internal const int MaxCandidates = 2_000;

    /// <summary>Rows not indexed yet beyond which the scan answers.</summary>
    internal const long MaxTail = 20_000;

    /// <summary>
    /// The index's cursor and the candidates of <paramref name="match"/> up to it (a JSON array of row ids, which the
    /// page query reads with <c>json_each</c>: the index is asked once), when the index answers; else null.
    /// </summary>
    internal static (long Through, string Candidates)? Candidates(SqliteConnection connection, SqliteTransaction snapshot, string match)
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

        command.CommandText = $"SELECT rowid FROM {SearchIndex.Table} WHERE {SearchIndex.Table} MATCH $match AND rowid <= $through LIMIT $cap;";
        command.Parameters.AddWithValue("$match", match);
        command.Parameters.AddWithValue("$cap", MaxCandidates + 1);
        var ids = new StringBuilder("[");
        int count = 0;
        using (SqliteDataReader reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                if (++count > MaxCandidates)
                {
                    return null;
                }

                ids.Append(count == 1 ? "" : ",").Append(reader.GetInt64(0).ToString(CultureInfo.InvariantCulture));
            }
        }

        return (through, ids.Append(']').ToString());
    }
}
