using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Instrumentor.Collector.Alerts.Evaluation;

/// <summary>
/// Runs rules on their own connections to the SQLite store, opened <c>Mode=ReadOnly</c> with <c>PRAGMA query_only</c>:
/// SQLite itself refuses any write (to the store, to an attached file, to temp tables), so a rule cannot change data
/// whatever its SQL says. WAL readers never block the collector's writer. The time limit is enforced by SQLite's
/// progress handler, which interrupts the statement between virtual-machine steps once the deadline has passed.
/// </summary>
internal sealed class SqliteRuleRunner : IRuleRunner
{
    // VM instructions between two deadline checks: ~microseconds of work, so the limit holds to a millisecond or so.
    private const int ProgressSteps = 10_000;

    private readonly string _connectionString;

    public SqliteRuleRunner(string path)
    {
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadOnly,
            // Each evaluation gets a fresh connection: a progress handler or pragma never leaks into another query.
            Pooling = false,
            DefaultTimeout = 5,
        }.ToString();
    }

    /// <inheritdoc />
    public double Value(string sql, TimeSpan timeout)
    {
        return Run(sql, timeout, command =>
        {
            object? result = command.ExecuteScalar();
            return result switch
            {
                null or DBNull => 0d,
                long integer => integer,
                double real => real,
                string text when double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double parsed) => parsed,
                _ => throw new RuleFailedException($"the query returned {Describe(result)}, not a number; its first column must be a number"),
            };
        });
    }

    /// <inheritdoc />
    public IReadOnlyList<IReadOnlyDictionary<string, string?>> Rows(string sql, int limit, TimeSpan timeout) =>
        Run(sql, timeout, command =>
        {
            var rows = new List<IReadOnlyDictionary<string, string?>>();
            using SqliteDataReader reader = command.ExecuteReader();
            while (rows.Count < limit && reader.Read())
            {
                var row = new Dictionary<string, string?>(reader.FieldCount, StringComparer.Ordinal);
                for (int i = 0; i < reader.FieldCount; i++)
                {
                    row[reader.GetName(i)] = reader.IsDBNull(i) ? null : Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture);
                }

                rows.Add(row);
            }

            return rows;
        });

    private T Run<T>(string sql, TimeSpan timeout, Func<SqliteCommand, T> read)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            using var connection = new SqliteConnection(_connectionString);
            connection.Open();
            using (SqliteCommand pragma = connection.CreateCommand())
            {
                pragma.CommandText = "PRAGMA query_only = ON;";
                pragma.ExecuteNonQuery();
            }

            long deadline = (long)(timeout.TotalMilliseconds);
            SQLitePCL.raw.sqlite3_progress_handler(connection.Handle, ProgressSteps, static state =>
            {
                var (watch, limit) = ((Stopwatch, long))state;
                return watch.ElapsedMilliseconds > limit ? 1 : 0;
            }, (clock, deadline));
            try
            {
                using SqliteCommand command = connection.CreateCommand();
                command.CommandText = sql;
                command.CommandTimeout = Math.Max(1, (int)Math.Ceiling(timeout.TotalSeconds));
                return read(command);
            }
            finally
            {
                SQLitePCL.raw.sqlite3_progress_handler(connection.Handle, 0, null, null);
            }
        }
        catch (SqliteException e) when (e.SqliteErrorCode == SQLitePCL.raw.SQLITE_INTERRUPT)
        {
            throw new RuleFailedException($"the query ran longer than its time limit of {timeout.TotalSeconds:0.###} s and was stopped", e);
        }
        catch (SqliteException e) when (e.SqliteErrorCode == SQLitePCL.raw.SQLITE_READONLY)
        {
            throw new RuleFailedException($"the query tried to write, and rules run read-only: {e.Message}", e);
        }
        catch (SqliteException e)
        {
            throw new RuleFailedException("the query failed: " + e.Message, e);
        }
    }

    private static string Describe(object value) => value switch
    {
        string text => $"the text '{(text.Length > 40 ? text[..40] + "…" : text)}'",
        byte[] => "a blob",
        _ => value.GetType().Name,
    };
}
