using System.Collections.Generic;
using System.IO;
using Microsoft.Data.Sqlite;

namespace Instrumentor.IntegrationTests.Infrastructure;

/// <summary>Reads a trace database written by another process (read-only, no pooling so the file can be deleted).</summary>
internal static class TraceDatabase
{
    /// <summary>Runs <paramref name="sql"/> and returns every row, each column as text (<see langword="null"/> for NULL).</summary>
    public static List<string?[]> Query(string path, string sql)
    {
        File.Exists(path).ShouldBeTrue($"no trace database at {path}");
        using var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        using SqliteDataReader reader = command.ExecuteReader();
        var rows = new List<string?[]>();
        while (reader.Read())
        {
            var row = new string?[reader.FieldCount];
            for (int i = 0; i < row.Length; i++)
            {
                row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i).ToString();
            }

            rows.Add(row);
        }

        return rows;
    }
}
