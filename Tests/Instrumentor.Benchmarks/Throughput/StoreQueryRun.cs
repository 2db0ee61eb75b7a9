using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using Microsoft.Data.Sqlite;

namespace Instrumentor.Benchmarks.Throughput;

/// <summary>
/// <c>--store-queries [spans] [path]</c>: the SQL of DESIGN.md §5 against the views of a large store (default
/// 10,000,000 spans), each of which must stay under 10 ms. Not a BDN benchmark: building the store is most of the run.
/// </summary>
/// <remarks>
/// The store is built through <see cref="SqliteSpanSink.Write"/> (the writer's own insert path, batches of 5,000
/// already formatted spans) and kept at <c>path</c> for reuse (a second run with the same path only queries).
/// Shape: spans spread evenly over the 6 hours before now (the default retention), in time order as a writer
/// stores them; traces of 5 spans (a root and 4 children); 200 processes in 4 services; 1 % errors; 2 arguments +
/// result per span. Each query runs once cold (first after open) and then 20 times with other parameters drawn from
/// the store; reported: rows returned, cold, min, median and max in ms, and its plan.
/// </remarks>
internal static class StoreQueryRun
{
    private const int BatchSize = 5_000;
    private const int Processes = 200;
    private const int SpansPerTrace = 5;
    private static readonly TimeSpan s_window = TimeSpan.FromHours(6);

    internal static int Execute(string[] args)
    {
        long spans = args.Length > 0 ? long.Parse(args[0], CultureInfo.InvariantCulture) : 10_000_000;
        string path = args.Length > 1 ? args[1] : Path.Combine(Path.GetTempPath(), $"instrumentor-store-{spans}.db");
        Console.WriteLine($"Instrumentor store queries: {spans:N0} spans in '{path}', {Environment.ProcessorCount} cores, load {Load()}");
        if (!File.Exists(path))
        {
            Build(path, spans);
        }
        else
        {
            Console.WriteLine("(store exists: reused)");
        }

        // The sink's open seeds the planner statistics and migrates, as any writer of the file does (a store written by
        // an older build gets its span id index rebuilt here: the time shows what an application's first open pays).
        var opening = System.Diagnostics.Stopwatch.StartNew();
        using (var sink = new SqliteSpanSink(path, "bench"))
        {
            sink.Write(ReadOnlySpan<SpanRecord>.Empty, null);
        }

        Console.WriteLine($"opened and migrated by a writer in {opening.Elapsed.TotalSeconds:F1} s");

        using var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        connection.Open();
        var random = new Random(7);
        long maxRow = (long)Scalar(connection, "SELECT max(id) FROM span", null)!;
        string RandomColumn(string column) =>
            (string)Scalar(connection, $"SELECT {column} FROM span WHERE id = $id", ("$id", random.NextInt64(1, maxRow + 1)))!;
        long sites = (long)Scalar(connection, "SELECT max(id) FROM site", null)!;
        string RandomProcess() => (string)Scalar(connection, "SELECT process FROM site WHERE id = $id", ("$id", random.NextInt64(1, sites + 1)))!;
        string Ago(TimeSpan age) => SpanText.Timestamp(NowMicroseconds() - (long)(age.TotalMilliseconds * 1000));

        var queries = new List<(string Name, string Sql, Func<(string, object)[]> Parameters)>
        {
            ("alert rule (ERR, last 30 s)", "SELECT COUNT(*) FROM process_trace WHERE status='ERR' AND ts > datetime('now','-30 seconds')", () => []),
            ("span by id", "SELECT * FROM process_trace WHERE span_id = $p", () => [("$p", RandomColumn("span_id"))]),
            ("trace by id", "SELECT * FROM process_trace WHERE trace_id = $p", () => [("$p", RandomColumn("trace_id"))]),
            ("data_trace by span id", "SELECT * FROM data_trace WHERE span_id = $p", () => [("$p", RandomColumn("span_id"))]),
            ("process, last 10 min (count)", "SELECT count(*) FROM process_trace WHERE process = $p AND ts > $t",
                () => [("$p", RandomProcess()), ("$t", Ago(TimeSpan.FromMinutes(10)))]),
            // The known slow shape (docs/architecture.md): printed, and not part of the verdict.
            (NotInBudget + "process, page of 50 from 3 h ago", "SELECT * FROM process_trace WHERE process = $p AND ts > $t ORDER BY ts LIMIT 50",
                () => [("$p", RandomProcess()), ("$t", Ago(TimeSpan.FromHours(3)))]),
            ("newest first, first page", "SELECT * FROM process_trace ORDER BY ts DESC LIMIT 50", () => []),
            ("newest first, keyset page at a random point", "SELECT * FROM process_trace WHERE ts < $t ORDER BY ts DESC LIMIT 50",
                () => [("$t", RandomColumn("ts"))]),
            ("errors, newest first, keyset page at a random point", "SELECT * FROM process_trace WHERE status = 'ERR' AND ts < $t ORDER BY ts DESC LIMIT 50",
                () => [("$t", RandomColumn("ts"))]),
        };

        // First a connection as a user's own would be (SQLite's default page cache, 2 MiB), then one with the page
        // cache of the collector's read connections (SqliteTraceQueries.ReadCacheKiB).
        bool allFast = RunQueries(connection, "a connection of your own (SQLite's default page cache, 2 MiB)", queries);
        using var collectorLike = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        collectorLike.Open();
        using (SqliteCommand cache = collectorLike.CreateCommand())
        {
            cache.CommandText = "PRAGMA cache_size = -16384;";
            cache.ExecuteNonQuery();
        }

        bool collectorFast = RunQueries(collectorLike, "the collector's read connections (16 MiB page cache)", queries);
        Console.WriteLine();
        Console.WriteLine(allFast ? "Every median of the budget's queries is under 10 ms." : "SLOW: a median of the budget's queries is 10 ms or more.");
        Console.WriteLine(collectorFast ? "Every median of the budget's queries is under 10 ms with the collector's page cache." : "SLOW with the collector's page cache too.");
        return allFast || collectorFast ? 0 : 1;
    }

    // Marks a query that is measured but not one of the 10 ms budget's (issue 12: the alert rule, lookups by span id
    // and trace id, process + time).
    private const string NotInBudget = "(not in the budget) ";

    private static bool RunQueries(SqliteConnection connection, string label, List<(string Name, string Sql, Func<(string, object)[]> Parameters)> queries)
    {
        Console.WriteLine();
        Console.WriteLine($"Through {label}:");
        Console.WriteLine();
        Console.WriteLine("| query | rows | cold ms | min ms | median ms | max ms | plan |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---|");
        bool allFast = true;
        foreach ((string name, string sql, Func<(string, object)[]> parameters) in queries)
        {
            var times = new List<double>();
            long rows = 0;
            double cold = 0;
            for (int i = 0; i <= 20; i++)
            {
                (string, object)[] values = parameters();
                var watch = Stopwatch.StartNew();
                rows = Count(connection, sql, values);
                watch.Stop();
                if (i == 0)
                {
                    cold = watch.Elapsed.TotalMilliseconds;
                }
                else
                {
                    times.Add(watch.Elapsed.TotalMilliseconds);
                }
            }

            times.Sort();
            allFast &= name.StartsWith(NotInBudget, StringComparison.Ordinal) || times[times.Count / 2] < 10;
            string plan = string.Join("; ", Plan(connection, sql, parameters()));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {rows:N0} | {cold:F2} | {times[0]:F2} | {times[times.Count / 2]:F2} | {times[^1]:F2} | `{plan}` |"));
        }

        return allFast;
    }

    private static void Build(string path, long spans)
    {
        var watch = Stopwatch.StartNew();
        long end = NowMicroseconds();
        long start = end - (long)(s_window.TotalMilliseconds * 1000);
        long step = Math.Max(1, (end - start) / spans);
        var pool = new SpooledSpan[BatchSize];
        var batch = new SpanRecord[BatchSize];
        for (int i = 0; i < BatchSize; i++)
        {
            pool[i] = new SpooledSpan { DataUtf8 = SpanDataJson.FromValues([("a", false, "3"), ("b", false, "14"), ("result", true, "42")]) };
            batch[i] = new SpanRecord { Spooled = pool[i] };
        }

        string[] processes = new string[Processes];
        for (int p = 0; p < Processes; p++)
        {
            processes[p] = $"Shop.Service{p % 20}.Operation{p}";
        }

        ulong seed = 0x9E3779B97F4A7C15;
        ulong traceLow = 0, root = 0;
        // Span ids as the runtime draws them: each of the 16 threads counts up from a random start.
        var threadKeys = new ulong[16];
        for (int t = 0; t < threadKeys.Length; t++)
        {
            threadKeys[t] = Mix(ref seed);
        }

        var sinks = new SqliteSpanSink[4];
        for (int s = 0; s < sinks.Length; s++)
        {
            sinks[s] = new SqliteSpanSink(path, "service-" + s);
        }

        try
        {
            for (long written = 0; written < spans; written += BatchSize)
            {
                int count = (int)Math.Min(BatchSize, spans - written);
                for (int i = 0; i < count; i++)
                {
                    long n = written + i;
                    SpooledSpan span = pool[i];
                    span.StartUnixMicroseconds = start + n * step;
                    if (n % SpansPerTrace == 0)
                    {
                        traceLow = Mix(ref seed);
                        root = 0;
                    }

                    // Trace ids start with the root's start in ms, as the runtime draws them.
                    span.TraceHigh = ((ulong)(span.StartUnixMicroseconds / 1000) << 16) | (traceLow >> 48);
                    span.TraceLow = traceLow;
                    span.SpanId = ++threadKeys[n % 16];
                    span.ParentSpanId = root;
                    root = root == 0 ? span.SpanId : root;
                    bool error = Mix(ref seed) % 100 == 0;
                    span.Status = error ? SpanStatus.Error : SpanStatus.Ok;
                    span.Exception = error ? "System.InvalidOperationException: out of stock\n   at Shop.Stock.Take()" : null;
                    span.DurationNanoseconds = 50_000 + (long)(Mix(ref seed) % 5_000_000);
                    span.ThreadId = (int)(n % 16);
                    span.Process = processes[(int)(Mix(ref seed) % Processes)];
                }

                // Each quarter of the store comes from another service (one sink each, as separate processes).
                sinks[(int)(written * sinks.Length / spans)].Write(batch.AsSpan(0, count), null);
                if (written % 1_000_000 == 0 && written > 0)
                {
                    Console.WriteLine($"  {written:N0} spans, {written / watch.Elapsed.TotalSeconds:N0}/s");
                }
            }
        }
        finally
        {
            foreach (SqliteSpanSink sink in sinks)
            {
                sink.Dispose();
            }
        }

        Console.WriteLine($"built {spans:N0} spans in {watch.Elapsed.TotalSeconds:F0} s ({spans / watch.Elapsed.TotalSeconds:N0} spans/s), {new FileInfo(path).Length / 1e6:N0} MB");
    }

    private static ulong Mix(ref ulong state)
    {
        ulong z = state += 0x9E3779B97F4A7C15;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
        return z ^ (z >> 31);
    }

    private static long Count(SqliteConnection connection, string sql, (string, object)[] parameters)
    {
        using SqliteCommand command = Command(connection, sql, parameters);
        using SqliteDataReader reader = command.ExecuteReader();
        long rows = 0;
        while (reader.Read())
        {
            rows = reader.FieldCount == 1 && sql.StartsWith("SELECT COUNT", StringComparison.OrdinalIgnoreCase) ? reader.GetInt64(0) : rows + 1;
        }

        return rows;
    }

    private static List<string> Plan(SqliteConnection connection, string sql, (string, object)[] parameters)
    {
        using SqliteCommand command = Command(connection, "EXPLAIN QUERY PLAN " + sql, parameters);
        using SqliteDataReader reader = command.ExecuteReader();
        var steps = new List<string>();
        while (reader.Read())
        {
            steps.Add(reader.GetString(3));
        }

        return steps;
    }

    private static object? Scalar(SqliteConnection connection, string sql, (string, object)? parameter)
    {
        using SqliteCommand command = Command(connection, sql, parameter is { } p ? [p] : []);
        return command.ExecuteScalar();
    }

    private static SqliteCommand Command(SqliteConnection connection, string sql, (string, object)[] parameters)
    {
        SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        foreach ((string name, object value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return command;
    }

    private static long NowMicroseconds() => (DateTime.UtcNow - DateTime.UnixEpoch).Ticks / 10;

    private static string Load() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";
}
