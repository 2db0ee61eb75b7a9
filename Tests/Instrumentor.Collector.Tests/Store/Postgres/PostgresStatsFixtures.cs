using System;
using System.Collections.Generic;
using Npgsql;

namespace Instrumentor.Collector.Tests.Store.Postgres;

/// <summary>What the stats tests read beside the store's answer: the site names by id, and times as the store keeps them.</summary>
internal static class PostgresStatsFixtures
{
    /// <summary>Every site's process name by its id, as <c>PostgresRollupStats.TryStats</c> is given them.</summary>
    public static Dictionary<long, string> SiteNames(NpgsqlConnection db)
    {
        var names = new Dictionary<long, string>();
        using var command = new NpgsqlCommand("SELECT id, process FROM site;", db);
        using NpgsqlDataReader reader = command.ExecuteReader();
        while (reader.Read())
        {
            names[reader.GetInt64(0)] = reader.GetString(1);
        }

        return names;
    }

    /// <summary>Microseconds since the Unix epoch of a UTC time.</summary>
    public static long UnixMicroseconds(DateTime time) => (time.Ticks - DateTime.UnixEpoch.Ticks) / 10;
}
