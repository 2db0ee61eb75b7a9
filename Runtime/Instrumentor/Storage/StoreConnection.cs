using Microsoft.Data.Sqlite;

namespace Instrumentor;

/// <summary>
/// Opens a connection to the local store the way every writer of it must: the same pragmas and the schema migrated,
/// whoever (the span writer or an exporter) happens to open a new file first.
/// </summary>
internal static class StoreConnection
{
    /// <summary>Opens <paramref name="path"/> (created when missing), sets the store's pragmas and migrates its schema.</summary>
    /// <param name="path">The store file.</param>
    /// <param name="spanIds">The span id index the opener wants: only span writers choose; others leave the default.</param>
    /// <remarks>On failure the connection is disposed and the exception passes on.</remarks>
    internal static SqliteConnection Open(string path, SpanIdIndexing spanIds = SpanIdIndexing.AsFound)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
        }.ToString());
        try
        {
            connection.Open();
            using (SqliteCommand pragmas = connection.CreateCommand())
            {
                // busy_timeout first: switching a new file to WAL takes a lock another process may hold. auto_vacuum
                // takes effect only on a file that has no table yet (a new one): retention's incremental vacuum can then
                // give freed pages back to the file system; on an existing file it changes nothing.
                pragmas.CommandText = "PRAGMA busy_timeout = 5000; PRAGMA auto_vacuum = INCREMENTAL; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;";
                pragmas.ExecuteNonQuery();
            }

            SqliteSchema.Migrate(connection, spanIds);
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }
}
