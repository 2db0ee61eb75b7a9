using System;
using Microsoft.Data.Sqlite;

namespace Instrumentor.Collector.Store.Sqlite.Rollup;

/// <summary>
/// Deletes spans and takes the folded ones out of their rollup minutes and the running total in the same transaction,
/// so that a purge leaves the per-minute counts and <c>spans_total</c> exact (and the text search index,
/// <see cref="Search.SearchIndex"/>, without the deleted rows): a minute a purge cut into, or one a late
/// span made no longer the oldest, still counts only the spans that are there. (The minutes' duration histograms keep
/// the purged durations until the minute is dropped: percentiles are approximate anyway, and a range reads the oldest
/// span's minute from the spans.) Spans deleted by another process writing the same file — an application's own
/// retention — are not seen here; the fold drops the minutes before the oldest span, and the count reads the oldest
/// span's minute from the spans, which covers a purge that goes oldest first.
/// </summary>
internal static class RollupPurge
{
    /// <summary>
    /// Deletes the spans whose ids <paramref name="selectIds"/> (a <c>SELECT id FROM span ...</c>) picks, in
    /// <paramref name="transaction"/>; returns how many were deleted.
    /// </summary>
    internal static int DeleteSpans(SqliteConnection connection, SqliteTransaction transaction, string selectIds,
        params (string Name, object Value)[] parameters)
    {
        RollupSql.Run(connection, transaction, "CREATE TEMP TABLE IF NOT EXISTS purge_ids (id INTEGER PRIMARY KEY); DELETE FROM temp.purge_ids;");
        RollupSql.Run(connection, transaction, $"INSERT INTO temp.purge_ids {selectIds};", parameters);
        // strftime('%s') is whole seconds; the fold's minutes are floor(microseconds / 60,000,000): the same minute
        // for any time after 1970.
        RollupSql.Run(connection, transaction, """
            UPDATE stats_minute SET spans = stats_minute.spans - d.n, errors = stats_minute.errors - d.e, measured = stats_minute.measured - d.m
            FROM (SELECT s.site_id AS site_id, CAST(strftime('%s', s.ts) AS INTEGER) / 60 AS minute,
                         count(*) AS n, sum(s.status = 'ERR') AS e, count(s.duration_ns) AS m
                  FROM temp.purge_ids p JOIN span s ON s.id = p.id
                  WHERE s.id <= (SELECT last_id FROM stats_rollup_state WHERE id = 1)
                  GROUP BY 1, 2) AS d
            WHERE stats_minute.site_id = d.site_id AND stats_minute.minute = d.minute;
            UPDATE stats_rollup_state
            SET spans_total = spans_total - (SELECT count(*) FROM temp.purge_ids p WHERE p.id <= stats_rollup_state.last_id)
            WHERE id = 1;
            """);
        Search.SearchIndex.DeletePurged(connection, transaction);
        int deleted = RollupSql.Run(connection, transaction, "DELETE FROM span WHERE id IN (SELECT id FROM temp.purge_ids);");
        Search.SearchIndex.MoveCursorAfterPurge(connection, transaction);
        RollupSql.Run(connection, transaction, "DELETE FROM temp.purge_ids;");
        return deleted;
    }
}
