using System;
using System.Collections.Generic;
using System.Globalization;
using Npgsql;

namespace Instrumentor.Collector.Store.Postgres;

/// <summary>
/// The day partitions of <c>span</c> and <c>log</c> (declarative range partitioning on <c>ts</c>): created before the
/// first row of a day is written (and a day ahead), dropped whole by retention. Partitions are named
/// <c>span_YYYYMMDD</c> and <c>log_YYYYMMDD</c>. Several collectors may share the database, so creating and dropping
/// take one advisory lock and tolerate the other collector having done it already.
/// </summary>
internal sealed class PostgresPartitions
{
    // Partition DDL of every collector on the database is serialized by this lock (transaction-scoped).
    private const long PartitionLock = 0x496e_7374_7232;

    // Read and changed under its own lock: the store's writer threads share one instance.
    private readonly HashSet<(string Table, long Day)> _known = [];

    public static readonly string[] Tables = ["span", "log"];

    /// <summary>Forgets what exists (another collector may have dropped a partition): the next write looks again.</summary>
    public void Forget()
    {
        lock (_known)
        {
            _known.Clear();
        }
    }

    /// <summary>Creates the partitions of <paramref name="days"/> in <paramref name="table"/> that do not exist yet.</summary>
    public void Ensure(NpgsqlConnection connection, string table, IEnumerable<long> days)
    {
        List<long>? missing = null;
        lock (_known)
        {
            foreach (long day in days)
            {
                if (!_known.Contains((table, day)) && !(missing ??= []).Contains(day))
                {
                    missing.Add(day);
                }
            }
        }

        if (missing is null)
        {
            return;
        }

        using NpgsqlTransaction transaction = connection.BeginTransaction();
        Execute(connection, $"SELECT pg_advisory_xact_lock({PartitionLock});");
        foreach (long day in missing)
        {
            DateTime start = DateTime.UnixEpoch.AddDays(day);
            Execute(connection, string.Create(CultureInfo.InvariantCulture,
                $"CREATE TABLE IF NOT EXISTS {Name(table, day)} PARTITION OF {table} FOR VALUES FROM ('{start:yyyy-MM-dd} 00:00:00+00') TO ('{start.AddDays(1):yyyy-MM-dd} 00:00:00+00');"));
        }

        transaction.Commit();
        lock (_known)
        {
            foreach (long day in missing)
            {
                _known.Add((table, day));
            }
        }
    }

    /// <summary>The days that have a partition in <paramref name="table"/>, oldest first.</summary>
    public static List<long> Days(NpgsqlConnection connection, string table)
    {
        var days = new List<long>();
        using var command = new NpgsqlCommand("SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = @parent::regclass;", connection);
        command.Parameters.AddWithValue("parent", table);
        using (NpgsqlDataReader reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                string name = reader.GetString(0);
                if (name.Length == table.Length + 9 && DateTime.TryParseExact(name.AsSpan(table.Length + 1), "yyyyMMdd", CultureInfo.InvariantCulture,
                        DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out DateTime date))
                {
                    days.Add((long)(date - DateTime.UnixEpoch).TotalDays);
                }
            }
        }

        days.Sort();
        return days;
    }

    /// <summary>
    /// Drops the partitions of <paramref name="table"/> whose whole day is before <paramref name="cutoffMicroseconds"/>
    /// (at most <paramref name="limit"/> of them); returns the rows they held.
    /// </summary>
    public long DropBefore(NpgsqlConnection connection, string table, long cutoffMicroseconds, int limit = int.MaxValue)
    {
        long rows = 0;
        int dropped = 0;
        foreach (long day in Days(connection, table))
        {
            if ((day + 1) * PostgresTime.MicrosecondsPerDay > cutoffMicroseconds || dropped == limit)
            {
                break;
            }

            rows += Drop(connection, table, day);
            dropped++;
        }

        return rows;
    }

    /// <summary>Drops one day of <paramref name="table"/>; returns the rows it held (0 when another collector dropped it first).</summary>
    public long Drop(NpgsqlConnection connection, string table, long day)
    {
        string name = Name(table, day);
        using NpgsqlTransaction transaction = connection.BeginTransaction();
        Execute(connection, $"SELECT pg_advisory_xact_lock({PartitionLock});");
        long rows = 0;
        using (var exists = new NpgsqlCommand("SELECT to_regclass(@name) IS NOT NULL;", connection))
        {
            exists.Parameters.AddWithValue("name", name);
            if ((bool)exists.ExecuteScalar()!)
            {
                // The partition's lock first: a transaction still inserting into this day (another writer thread, or
                // another collector) commits before its minutes are counted and deleted below, instead of adding minutes
                // for spans the DROP then takes away.
                Execute(connection, $"LOCK TABLE {name} IN ACCESS EXCLUSIVE MODE;");
                if (table == "span")
                {
                    // The day's per-minute stats go with its spans, in the same transaction; they count its rows.
                    rows = PostgresStats.DropDay(connection, day);
                }
                else
                {
                    using var count = new NpgsqlCommand($"SELECT count(*) FROM {name};", connection);
                    rows = (long)count.ExecuteScalar()!;
                }

                Execute(connection, $"DROP TABLE IF EXISTS {name};");
            }
        }

        transaction.Commit();
        lock (_known)
        {
            _known.Remove((table, day));
        }

        return rows;
    }

    public static string Name(string table, long day) =>
        table + "_" + DateTime.UnixEpoch.AddDays(day).ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    private static void Execute(NpgsqlConnection connection, string sql)
    {
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }
}
