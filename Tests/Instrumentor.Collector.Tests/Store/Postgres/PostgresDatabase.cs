using System;
using System.Collections.Generic;
using System.Globalization;
using Npgsql;

namespace Instrumentor.Collector.Tests.Store.Postgres;

/// <summary>Plain SQL on a test database: what a user or an alert rule sees of the store.</summary>
internal sealed class PostgresDatabase(string connectionString)
{
    public string ConnectionString { get; } = connectionString;

    public long Scalar(string sql) => Convert.ToInt64(Query(sql), CultureInfo.InvariantCulture);

    public string? Text(string sql) => Query(sql) is { } value and not DBNull ? Convert.ToString(value, CultureInfo.InvariantCulture) : null;

    public List<string> Column(string sql)
    {
        using var connection = new NpgsqlConnection(ConnectionString);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        using NpgsqlDataReader reader = command.ExecuteReader();
        var values = new List<string>();
        while (reader.Read())
        {
            values.Add(Convert.ToString(reader.GetValue(0), CultureInfo.InvariantCulture)!);
        }

        return values;
    }

    public void Execute(string sql)
    {
        using var connection = new NpgsqlConnection(ConnectionString);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }

    /// <summary>The day partitions of <paramref name="table"/>, by name, oldest first.</summary>
    public List<string> Partitions(string table) =>
        Column($"SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = '{table}'::regclass ORDER BY c.relname;");

    private object? Query(string sql)
    {
        using var connection = new NpgsqlConnection(ConnectionString);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        return command.ExecuteScalar();
    }
}
