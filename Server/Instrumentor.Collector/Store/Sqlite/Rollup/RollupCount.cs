using System;
using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Instrumentor.Collector.Store.Sqlite.Rollup;

/// <summary>
/// The number of spans in the store without counting the span table (which takes time in proportion to its size:
/// 15 ms at 1,000,000 spans, far more at 10,000,000, and the status bar asks every 2 s): the running total of the
/// folded minutes (<c>stats_rollup_state.spans_total</c>), corrected for the oldest span's minute, which a purge may
/// have cut into since the last fold (counted from the spans, one minute of the time index), plus the spans not folded
/// yet (a row id range). Exact whenever the rollups are: they count every row the fold has passed.
/// </summary>
internal static class RollupCount
{
    /// <summary>The span count, or null when the store has no running total (an archive from an earlier collector).</summary>
    internal static long? TryCount(SqliteConnection connection, SqliteTransaction transaction)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT count(*) FROM pragma_table_info('stats_rollup_state') WHERE name = 'spans_total';";
        if (Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture) == 0)
        {
            return null;
        }

        command.CommandText = "SELECT spans_total, last_id, (SELECT min(ts) FROM span) FROM stats_rollup_state WHERE id = 1;";
        long foldedTotal, last;
        string? oldest;
        using (SqliteDataReader reader = command.ExecuteReader())
        {
            if (!reader.Read())
            {
                return null;
            }

            foldedTotal = reader.GetInt64(0);
            last = reader.GetInt64(1);
            oldest = reader.IsDBNull(2) ? null : reader.GetString(2);
        }

        if (oldest is null)
        {
            return 0;
        }

        long minute = StatsRollup.MicrosecondsPerMinute;
        long oldestMinute = WholeMinutes.MinuteOf(oldest);
        // Minutes up to the oldest span's are taken out of the total (purged, or cut into) and that one minute is
        // counted from the spans instead; the unary + keeps SQLite on the time index for it.
        command.CommandText = """
            SELECT $folded
                 - (SELECT coalesce(sum(spans), 0) FROM stats_minute WHERE minute <= $minute)
                 + (SELECT count(*) FROM span WHERE ts < $minuteEnd AND +id <= $last)
                 + (SELECT count(*) FROM span WHERE id > $last);
            """;
        command.Parameters.AddWithValue("$folded", foldedTotal);
        command.Parameters.AddWithValue("$minute", oldestMinute);
        command.Parameters.AddWithValue("$minuteEnd", StoreText.Timestamp((oldestMinute + 1) * minute));
        command.Parameters.AddWithValue("$last", last);
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }
}
