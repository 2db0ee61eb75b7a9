using System;
using System.Collections.Generic;
using System.Globalization;
using Npgsql;

namespace Instrumentor.Collector.Alerts.Evaluation;

/// <summary>
/// Runs rules as PostgreSQL SQL against the <c>serve --postgres</c> store, each in a <c>READ ONLY</c> transaction (the
/// server refuses any write, whatever the SQL says) with <c>statement_timeout</c> as its time limit, so a runaway
/// rule is stopped by the server itself. Rules query the same views as on SQLite (<c>process_trace</c>, ...).
/// </summary>
internal sealed class PostgresRuleRunner : IRuleRunner
{
    private readonly NpgsqlDataSource _dataSource;

    /// <param name="connectionString">The store's connection string (its own pool: rules never wait for the API's connections).</param>
    public PostgresRuleRunner(string connectionString) => _dataSource = new NpgsqlSlimDataSourceBuilder(connectionString).Build();

    /// <inheritdoc />
    public double Value(string sql, TimeSpan timeout) => Run(sql, timeout, command =>
    {
        object? result = command.ExecuteScalar();
        return result switch
        {
            null or DBNull => 0d,
            IConvertible number when result is long or int or short or double or float or decimal => number.ToDouble(CultureInfo.InvariantCulture),
            string text when double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double parsed) => parsed,
            _ => throw new RuleFailedException($"the query returned {result.GetType().Name}, not a number; its first column must be a number"),
        };
    });

    /// <inheritdoc />
    public IReadOnlyList<IReadOnlyDictionary<string, string?>> Rows(string sql, int limit, TimeSpan timeout) => Run(sql, timeout, command =>
    {
        var rows = new List<IReadOnlyDictionary<string, string?>>();
        using NpgsqlDataReader reader = command.ExecuteReader();
        while (rows.Count < limit && reader.Read())
        {
            var row = new Dictionary<string, string?>(reader.FieldCount, StringComparer.Ordinal);
            for (int i = 0; i < reader.FieldCount; i++)
            {
                row[reader.GetName(i)] = reader.IsDBNull(i) ? null : reader.GetValue(i) switch
                {
                    DateTime time => Store.StoreText.Timestamp(Store.StoreText.ToUnixMicroseconds(new DateTimeOffset(time.ToUniversalTime()))),
                    object value => Convert.ToString(value, CultureInfo.InvariantCulture),
                };
            }

            rows.Add(row);
        }

        return rows;
    });

    private T Run<T>(string sql, TimeSpan timeout, Func<NpgsqlCommand, T> read)
    {
        try
        {
            using NpgsqlConnection connection = _dataSource.OpenConnection();
            using NpgsqlTransaction transaction = connection.BeginTransaction();
            int milliseconds = Math.Max(1, (int)Math.Ceiling(timeout.TotalMilliseconds));
            using (var setup = new NpgsqlCommand($"SET TRANSACTION READ ONLY; SET LOCAL statement_timeout = {milliseconds.ToString(CultureInfo.InvariantCulture)};", connection, transaction))
            {
                setup.ExecuteNonQuery();
            }

            using var command = new NpgsqlCommand(sql, connection, transaction) { CommandTimeout = Math.Max(1, (int)Math.Ceiling(timeout.TotalSeconds)) + 5 };
            T result = read(command);
            transaction.Rollback();
            return result;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.QueryCanceled)
        {
            throw new RuleFailedException($"the query ran longer than its time limit of {timeout.TotalSeconds:0.###} s and was stopped", e);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ReadOnlySqlTransaction)
        {
            throw new RuleFailedException($"the query tried to write, and rules run read-only: {e.MessageText}", e);
        }
        catch (NpgsqlException e)
        {
            throw new RuleFailedException("the query failed: " + e.Message, e);
        }
    }
}
