using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Microsoft.Data.Sqlite;

namespace Quickstart;

/// <summary>Reads the spans of this run back from the SQLite store (the logical views) and prints them.</summary>
internal static class TraceReport
{
    public static void Print(string databasePath, DateTime runStartUtc)
    {
        using var connection = new SqliteConnection($"Data Source={databasePath};Mode=ReadOnly");
        connection.Open();
        string since = runStartUtc.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture);

        var rows = new List<(string Process, string Status, double? Ms)>();
        using (SqliteCommand command = connection.CreateCommand())
        {
            command.CommandText = "SELECT process, status, duration_ms FROM process_trace WHERE ts >= $since";
            command.Parameters.AddWithValue("$since", since);
            using SqliteDataReader reader = command.ExecuteReader();
            while (reader.Read())
            {
                rows.Add((reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetDouble(2)));
            }
        }

        Console.WriteLine($"Traced {rows.Count} calls into {databasePath}");
        Console.WriteLine();
        Console.WriteLine($"{"process",-44} {"count",6} {"errors",6} {"p50 ms",9} {"p95 ms",9}");
        foreach (var group in rows.GroupBy(r => r.Process).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            double[] durations = group.Where(r => r.Ms is not null).Select(r => r.Ms!.Value).OrderBy(d => d).ToArray();
            Console.WriteLine($"{group.Key,-44} {group.Count(),6} {group.Count(r => r.Status == "ERR"),6} " +
                              $"{Percentile(durations, 0.50),9:F4} {Percentile(durations, 0.95),9:F4}");
        }

        PrintOneTrace(connection, since);
    }

    private static void PrintOneTrace(SqliteConnection connection, string since)
    {
        // The deepest trace of this run: the async quote, with its nested sync calls.
        string? traceId;
        using (SqliteCommand command = connection.CreateCommand())
        {
            command.CommandText = """
                SELECT trace_id FROM process_trace WHERE ts >= $since
                GROUP BY trace_id ORDER BY count(*) DESC, min(ts) LIMIT 1
                """;
            command.Parameters.AddWithValue("$since", since);
            traceId = command.ExecuteScalar() as string;
        }

        if (traceId is null)
        {
            return;
        }

        var spans = new List<(string Id, string? Parent, string Process, string Status, double? Ms, string Data)>();
        using (SqliteCommand command = connection.CreateCommand())
        {
            command.CommandText = """
                SELECT p.span_id, p.parent_span_id, p.process, p.status, p.duration_ms,
                       coalesce((SELECT group_concat(d.data || '=' || coalesce(d.data_value, 'null'), ', ')
                                 FROM data_trace d WHERE d.span_id = p.span_id), '')
                FROM process_trace p WHERE p.trace_id = $trace ORDER BY p.ts
                """;
            command.Parameters.AddWithValue("$trace", traceId);
            using SqliteDataReader reader = command.ExecuteReader();
            while (reader.Read())
            {
                spans.Add((reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetString(2),
                    reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetDouble(4), reader.GetString(5)));
            }
        }

        Console.WriteLine();
        Console.WriteLine($"Trace {traceId}:");
        var ids = spans.Select(s => s.Id).ToHashSet();
        // Roots: no parent, or a parent outside this store (an adopted Activity).
        bool IsRoot(string? parent) => parent is null || !ids.Contains(parent);
        void PrintChildren(string? parent, int depth)
        {
            foreach (var span in spans.Where(s => parent is null ? IsRoot(s.Parent) : s.Parent == parent))
            {
                string duration = span.Ms is null ? "n/a" : span.Ms.Value.ToString("F4", CultureInfo.InvariantCulture) + " ms";
                Console.WriteLine($"{new string(' ', depth * 2)}- {span.Process} [{span.Status}, {duration}] {span.Data}");
                PrintChildren(span.Id, depth + 1);
            }
        }

        PrintChildren(null, 0);
    }

    private static double Percentile(double[] sorted, double p)
    {
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        int index = (int)Math.Ceiling(p * sorted.Length) - 1;
        return sorted[Math.Clamp(index, 0, sorted.Length - 1)];
    }
}
