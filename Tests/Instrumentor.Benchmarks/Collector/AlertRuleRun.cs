using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using Microsoft.Data.Sqlite;

namespace Instrumentor.Benchmarks.Collector;

/// <summary>
/// <c>--alert-rule [--spans N] [--runs R] [--db FILE]</c>: the seed's example alert rule on a store of N spans
/// (default 10,000,000 over the last 6 h, built by <see cref="BulkStore"/> and kept for reuse), run R times the way
/// <c>serve --alerts</c> runs it: a fresh read-only connection with <c>PRAGMA query_only</c> per evaluation.
/// Prints the plan and cold / min / median / p95 / max milliseconds (docs/alerts.md, "Cost").
/// </summary>
internal static class AlertRuleRun
{
    private const string Rule = "SELECT COUNT(*) FROM process_trace WHERE status='ERR' AND ts > datetime('now', '-30 seconds')";

    internal static int Execute(string[] args)
    {
        long spans = CollectorLoadRun.Option(args, "--spans", 10_000_000);
        int runs = CollectorLoadRun.Option(args, "--runs", 200);
        string path = CollectorLoadRun.Text(args, "--db") ?? Path.Combine(Path.GetTempPath(), $"instrumentor-alert-rule-{spans}.db");
        Console.WriteLine($"# Alert rule on {spans:N0} spans: {DateTime.UtcNow:yyyy-MM-ddTHH:mm:ssZ}, {Environment.ProcessorCount} cores, load average {Measure.LoadAverage()}");
        if (!File.Exists(path))
        {
            var build = Stopwatch.StartNew();
            BulkStore.Fill(path, spans, DateTimeOffset.UtcNow, TimeSpan.FromHours(6));
            Console.WriteLine($"built {path} in {build.Elapsed.TotalSeconds:F0} s ({new FileInfo(path).Length / 1e9:F2} GB)");
        }
        else
        {
            Console.WriteLine($"(store {path} exists: reused)");
        }

        // The last 2 minutes at the store's own rate (10M in 6 h = 463 spans/s, 1 % ERR), ending 5 s from now, so "the
        // last 30 s" holds what a live collector's would while the runs last; spans of a former run's future go first.
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            using SqliteCommand trim = connection.CreateCommand();
            trim.CommandText = "DELETE FROM span WHERE ts > $now;";
            trim.Parameters.AddWithValue("$now", DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm:ss.ffffff", System.Globalization.CultureInfo.InvariantCulture));
            Console.WriteLine($"trimmed {trim.ExecuteNonQuery():N0} spans later than now");
        }

        long perSecond = Math.Max(1, spans / (6 * 3600));
        BulkStore.Fill(path, perSecond * 120, DateTimeOffset.UtcNow.AddSeconds(5), TimeSpan.FromSeconds(120), analyze: false);

        long stored;
        string connectionString = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString();
        using (var connection = new SqliteConnection(connectionString))
        {
            connection.Open();
            stored = Convert.ToInt64(BulkStore.Scalar(connection, "SELECT count(*) FROM span"), System.Globalization.CultureInfo.InvariantCulture);
            using SqliteCommand plan = connection.CreateCommand();
            plan.CommandText = "EXPLAIN QUERY PLAN " + Rule;
            using SqliteDataReader reader = plan.ExecuteReader();
            while (reader.Read())
            {
                Console.WriteLine($"plan: {reader.GetString(3)}");
            }
        }

        var times = new List<double>();
        long value = 0;
        for (int i = 0; i <= runs; i++)
        {
            long began = Stopwatch.GetTimestamp();
            using var connection = new SqliteConnection(connectionString);
            connection.Open();
            using SqliteCommand command = connection.CreateCommand();
            command.CommandText = "PRAGMA query_only = ON;";
            command.ExecuteNonQuery();
            command.CommandText = Rule;
            value = Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
            times.Add(Stopwatch.GetElapsedTime(began).TotalMilliseconds);
        }

        double cold = times[0];
        times.RemoveAt(0);
        Console.WriteLine();
        Console.WriteLine("| spans | rule value (ERR in the last 30 s) | cold ms | min ms | median ms | p95 ms | max ms |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|");
        Console.WriteLine($"| {stored:N0} | {value:N0} | {cold:F2} | {Min(times):F2} | {Measure.Percentile(times, 50):F2} | {Measure.Percentile(times, 95):F2} | {Max(times):F2} |");
        Console.WriteLine("(each run: open a read-only connection, PRAGMA query_only, the rule; as serve --alerts does)");
        return 0;
    }

    private static double Min(List<double> values) => values.Count == 0 ? 0 : values.Min();

    private static double Max(List<double> values) => values.Count == 0 ? 0 : values.Max();
}
