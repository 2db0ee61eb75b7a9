using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.Data.Sqlite;

namespace Instrumentor.Benchmarks.Collector;

/// <summary>Small helpers of the collector runs: percentiles, the load average, counting the store's rows.</summary>
internal static class Measure
{
    /// <summary>The nearest-rank percentile <paramref name="p"/> (0–100) of <paramref name="values"/>.</summary>
    public static double Percentile(IReadOnlyList<double> values, double p)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }

        double[] sorted = values.Order().ToArray();
        int rank = (int)Math.Ceiling(p / 100 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

    /// <summary>The 1, 5 and 15 minute load averages as Linux reports them.</summary>
    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    /// <summary>Rows of <c>span</c>, and (trace_id, span_id) pairs stored more than once, read from the file itself.</summary>
    public static (long Rows, long DuplicatedKeys) CountStore(string database)
    {
        using var connection = new SqliteConnection($"Data Source={database};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using SqliteCommand command = connection.CreateCommand();
        command.CommandTimeout = 600;
        command.CommandText = "SELECT count(*) FROM span;";
        long rows = (long)command.ExecuteScalar()!;
        // span_trace (trace_id, span_id) is in key order: grouping by it is one pass over the index.
        command.CommandText = "SELECT count(*) FROM (SELECT 1 FROM span INDEXED BY span_trace GROUP BY trace_id, span_id HAVING count(*) > 1);";
        long duplicated = (long)command.ExecuteScalar()!;
        return (rows, duplicated);
    }

    /// <summary>The same counts on a PostgreSQL store (<c>serve --postgres</c>).</summary>
    public static (long Rows, long DuplicatedKeys) CountPostgres(string connectionString)
    {
        using var connection = new Npgsql.NpgsqlConnection(connectionString);
        connection.Open();
        using var command = new Npgsql.NpgsqlCommand("SELECT count(*) FROM span;", connection) { CommandTimeout = 600 };
        long rows = (long)command.ExecuteScalar()!;
        command.CommandText = "SELECT count(*) FROM (SELECT 1 FROM span GROUP BY trace_id, span_id HAVING count(*) > 1) d;";
        long duplicated = (long)command.ExecuteScalar()!;
        return (rows, duplicated);
    }
}
