using System;
using Microsoft.Data.Sqlite;

namespace Instrumentor.Benchmarks.Collector;

/// <summary>
/// Fills a store fast for the alert and purge measurements: the schema comes from the runtime's own sink (so it is the
/// real one, indexes included), the rows from one recursive SQL insert per million (no per-row round trip): spans in
/// time order over a window ending at a given time, 1 % ERR, 20 sites, time-ordered trace ids, 2 values each, traces of
/// a root and three children in other sites.
/// </summary>
internal static class BulkStore
{
    private const int Chunk = 1_000_000;

    /// <summary>Appends <paramref name="spans"/> spans spread evenly over [end - window, end].</summary>
    /// <remarks>
    /// With <paramref name="customers"/>, each span also has a value <c>customer-N</c> (N = row % 100,000), so a text
    /// search has a rare term (<c>customer-4242</c>: 11 values, 110 spans in 1,000,000) next to ones every span has.
    /// </remarks>
    public static void Fill(string path, long spans, DateTimeOffset end, TimeSpan window, bool analyze = true, bool customers = false)
    {
        using (var sink = new SqliteSpanSink(path, "bench"))
        {
            sink.Write(ReadOnlySpan<SpanRecord>.Empty, null);
        }

        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        Execute(connection, "PRAGMA journal_mode = WAL; PRAGMA synchronous = OFF; PRAGMA cache_size = -262144;");
        Execute(connection, """
            INSERT OR IGNORE INTO site (id, process, process_group, service)
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20)
            SELECT 1000 + i, 'Bench.Service' || i || '.Call', 'bench', 'bench' FROM n;
            """);
        long startUs = (end - window).ToUnixTimeMilliseconds() * 1000;
        double stepUs = window.TotalMilliseconds * 1000 / spans;
        long first = Convert.ToInt64(Scalar(connection, "SELECT coalesce(max(id), 0) FROM span;"), System.Globalization.CultureInfo.InvariantCulture);
        for (long done = 0; done < spans; done += Chunk)
        {
            long count = Math.Min(Chunk, spans - done);
            using SqliteTransaction transaction = connection.BeginTransaction();
            using SqliteCommand insert = connection.CreateCommand();
            insert.Transaction = transaction;
            // ts as store text from microseconds; ids unique; trace ids grow with time like UUIDv7. Traces of 4 spans:
            // the first is the root, the other three its children (so the dependency graph has edges between processes).
            insert.CommandText = """
                INSERT INTO span (id, ts, site_id, instance_id, trace_id, span_id, parent_span_id, status, duration_ns, thread_id, data, exception)
                WITH RECURSIVE n(i) AS (SELECT $from UNION ALL SELECT i + 1 FROM n WHERE i < $to)
                SELECT $first + i,
                       strftime('%Y-%m-%d %H:%M:%S', ($start + CAST(i * $step AS INTEGER)) / 1000000, 'unixepoch')
                           || printf('.%06d', ($start + CAST(i * $step AS INTEGER)) % 1000000),
                       1001 + i % 20, NULL,
                       printf('%016x%016x', $start + CAST((i - i % 4) * $step AS INTEGER), i - i % 4), printf('%016x', i * 2654435761 % 9223372036854775807),
                       CASE WHEN i % 4 = 0 THEN NULL ELSE printf('%016x', (i - i % 4) * 2654435761 % 9223372036854775807) END,
                       CASE WHEN i % 100 = 7 THEN 'ERR' ELSE 'OK' END, 420000, 12,
                       CASE WHEN $customers THEN '[{"n":"quantity","v":"3"},{"n":"customer","v":"customer-' || (($first + i) % 100000) || '"},{"n":"result","o":1,"v":"44.00"}]'
                            ELSE '[{"n":"quantity","v":"3"},{"n":"result","o":1,"v":"44.00"}]' END,
                       CASE WHEN i % 100 = 7 THEN 'System.InvalidOperationException: bench' ELSE NULL END
                FROM n;
                """;
            insert.Parameters.AddWithValue("$from", done + 1);
            insert.Parameters.AddWithValue("$to", done + count);
            insert.Parameters.AddWithValue("$first", first);
            insert.Parameters.AddWithValue("$start", startUs);
            insert.Parameters.AddWithValue("$step", stepUs);
            insert.Parameters.AddWithValue("$customers", customers);
            insert.ExecuteNonQuery();
            transaction.Commit();
            if (spans > Chunk)
            {
                Console.Error.WriteLine($"  {done + count:N0} / {spans:N0} spans");
            }
        }

        Execute(connection, analyze ? "ANALYZE; PRAGMA wal_checkpoint(TRUNCATE);" : "PRAGMA wal_checkpoint(TRUNCATE);");
    }

    internal static object? Scalar(SqliteConnection connection, string sql)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        using SqliteDataReader reader = command.ExecuteReader();
        while (reader.NextResult() || reader.Read())
        {
        }
    }
}
