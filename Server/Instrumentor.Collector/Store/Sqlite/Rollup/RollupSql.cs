using Microsoft.Data.Sqlite;

namespace Instrumentor.Collector.Store.Sqlite.Rollup;

/// <summary>Commands of the rollup code: one statement (or several) in a given transaction, with named parameters.</summary>
internal static class RollupSql
{
    /// <summary>A command for <paramref name="sql"/> in <paramref name="transaction"/>; the caller disposes it.</summary>
    internal static SqliteCommand Command(SqliteConnection connection, SqliteTransaction transaction, string sql, params (string Name, object Value)[] parameters)
    {
        SqliteCommand command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach ((string name, object value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return command;
    }

    /// <summary>Runs <paramref name="sql"/> in <paramref name="transaction"/>; returns the rows changed.</summary>
    internal static int Run(SqliteConnection connection, SqliteTransaction transaction, string sql, params (string Name, object Value)[] parameters)
    {
        using SqliteCommand command = Command(connection, transaction, sql, parameters);
        return command.ExecuteNonQuery();
    }
}
