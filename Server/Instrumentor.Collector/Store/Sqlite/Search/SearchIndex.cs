using Microsoft.Data.Sqlite;

namespace Instrumentor.Collector.Store.Sqlite.Search;

/// <summary>
/// The index of the text filter (<c>q</c> of <c>/api/spans</c>): an FTS5 table with the trigram tokenizer over each
/// span's captured values (<c>span.data</c>, the JSON text the filter searches) and exception, keyed by the span's row
/// id. Contentless (the text stays in <c>span</c> only) with <c>contentless_delete=1</c> so a purge deletes a row by its
/// id, and <c>detail=none</c>: the index only says which rows hold every trigram of the term, which is all the query
/// needs, since it checks each candidate with the same <c>LIKE</c> as the scan (so the answers stay identical; the
/// trigram tokenizer folds case the Unicode way, a superset of <c>LIKE</c>'s ASCII folding). Without positions the
/// index is written about three times faster than with them.
/// <para>
/// Filled like the stats rollups: in row id order after a cursor (<c>span_search_state.last_id</c>), in batches on the
/// store's writer, the rows and the cursor in one transaction, so a query answers from the index up to the cursor and
/// scans only the rows after it. Collector tables only: the runtime never writes them.
/// </para>
/// </summary>
internal static class SearchIndex
{
    /// <summary>The FTS5 table.</summary>
    internal const string Table = "span_search";

    internal const string Schema = """
        CREATE VIRTUAL TABLE IF NOT EXISTS span_search USING fts5 (
            data, exception, content = '', contentless_delete = 1, detail = none, tokenize = 'trigram');
        CREATE TABLE IF NOT EXISTS span_search_state (
            id           INTEGER PRIMARY KEY CHECK (id = 1),
            last_id      INTEGER NOT NULL,   -- the highest span row id indexed (0: none)
            last_span_id TEXT                -- that row's span_id: tells whether the row at last_id is still the one indexed
        );
        INSERT OR IGNORE INTO span_search_state (id, last_id) VALUES (1, 0);
        """;

    /// <summary>
    /// Creates the index of a store that has none (a new store, or one made by an earlier collector: its rows are then
    /// indexed in the background by <see cref="Fold"/>, and queries scan the rows not indexed yet meanwhile).
    /// </summary>
    internal static void EnsureSchema(SqliteConnection connection)
    {
        using SqliteTransaction transaction = connection.BeginTransaction(deferred: false);
        Run(connection, transaction, Schema);
        transaction.Commit();
    }

    /// <summary>
    /// Indexes up to <paramref name="limit"/> spans after the cursor, in one transaction with the cursor's move; returns
    /// how many spans it passed. When the row at the cursor is no longer the one indexed (another writer of the file, an
    /// application's own retention, deleted it, and SQLite may have given its id and lower ones to new rows), the index
    /// is built again from the start: queries scan until it has caught up.
    /// </summary>
    internal static int Fold(SqliteConnection connection, int limit)
    {
        using SqliteTransaction transaction = connection.BeginTransaction(deferred: false);
        long last = Cursor(connection, transaction);
        if (last < 0)
        {
            Run(connection, transaction, """
                INSERT INTO span_search (span_search) VALUES ('delete-all');
                UPDATE span_search_state SET last_id = 0, last_span_id = NULL WHERE id = 1;
                """);
            last = 0;
        }

        int folded;
        long through;
        using (SqliteCommand next = Rollup.RollupSql.Command(connection, transaction,
                   "SELECT count(*), coalesce(max(id), $last) FROM (SELECT id FROM span WHERE id > $last ORDER BY id LIMIT $limit);",
                   ("$last", last), ("$limit", limit)))
        using (SqliteDataReader reader = next.ExecuteReader())
        {
            reader.Read();
            folded = reader.GetInt32(0);
            through = reader.GetInt64(1);
        }

        if (folded > 0)
        {
            // Spans without values or exception have nothing to find: no entry.
            Run(connection, transaction, """
                INSERT INTO span_search (rowid, data, exception)
                SELECT id, data, exception FROM span WHERE id > $last AND id <= $through AND (data IS NOT NULL OR exception IS NOT NULL);
                UPDATE span_search_state SET last_id = $through, last_span_id = (SELECT span_id FROM span WHERE id = $through) WHERE id = 1;
                """, ("$last", last), ("$through", through));
        }

        // Rows another writer purged (oldest first, so below the oldest row left): their entries would only be
        // candidates the LIKE check drops, but they take space and slow the lookups. A bounded step per fold.
        Run(connection, transaction, """
            DELETE FROM span_search WHERE rowid IN (
                SELECT rowid FROM span_search WHERE rowid < (SELECT coalesce(min(id), $max) FROM span) LIMIT $limit);
            """, ("$max", long.MaxValue), ("$limit", limit));
        transaction.Commit();
        return folded;
    }

    /// <summary>
    /// The highest row id the index holds, 0 when none, or -1 when the index cannot be trusted (the row at the cursor
    /// was deleted or replaced by another writer) or the store has no index (a file of an earlier collector, read-only).
    /// </summary>
    internal static long Cursor(SqliteConnection connection, SqliteTransaction transaction)
    {
        using SqliteCommand command = Rollup.RollupSql.Command(connection, transaction, """
            SELECT st.last_id, st.last_span_id IS (SELECT s.span_id FROM span s WHERE s.id = st.last_id)
            FROM span_search_state st WHERE st.id = 1 AND EXISTS (SELECT 1 FROM sqlite_master WHERE name = 'span_search');
            """);
        try
        {
            using SqliteDataReader reader = command.ExecuteReader();
            return !reader.Read() ? -1 : reader.GetInt64(0) == 0 ? 0 : reader.GetInt64(1) == 1 ? reader.GetInt64(0) : -1;
        }
        catch (SqliteException e) when (e.SqliteErrorCode == 1)
        {
            // No such table: a store without the index.
            return -1;
        }
    }

    /// <summary>
    /// Takes the spans a purge of the collector deletes (the ids in <c>temp.purge_ids</c>) out of the index, in the
    /// purge's transaction, before the spans are deleted.
    /// </summary>
    internal static void DeletePurged(SqliteConnection connection, SqliteTransaction transaction) =>
        Run(connection, transaction, """
            DELETE FROM span_search WHERE rowid IN (
                SELECT id FROM temp.purge_ids WHERE id <= (SELECT last_id FROM span_search_state WHERE id = 1));
            """);

    /// <summary>
    /// After a purge of the collector, in its transaction: when it deleted the row at the cursor, the cursor moves down
    /// to the highest row left below it (every row between was deleted; when they were the newest, SQLite hands their
    /// ids out again to rows that are not indexed, which the cursor then leaves to the next fold).
    /// </summary>
    internal static void MoveCursorAfterPurge(SqliteConnection connection, SqliteTransaction transaction) =>
        Run(connection, transaction, """
            UPDATE span_search_state
            SET last_id = coalesce((SELECT s.id FROM span s WHERE s.id <= span_search_state.last_id ORDER BY s.id DESC LIMIT 1), 0),
                last_span_id = (SELECT s.span_id FROM span s WHERE s.id <= span_search_state.last_id ORDER BY s.id DESC LIMIT 1)
            WHERE id = 1 AND last_id > 0 AND NOT EXISTS (SELECT 1 FROM span s WHERE s.id = span_search_state.last_id);
            """);

    private static int Run(SqliteConnection connection, SqliteTransaction transaction, string sql, params (string Name, object Value)[] parameters) =>
        Rollup.RollupSql.Run(connection, transaction, sql, parameters);
}
