using Microsoft.Data.Sqlite;

namespace Instrumentor.Sessions.Storage;

/// <summary>Opens the store the way the span writer does (same pragmas, span schema migrated), then the session tables.</summary>
internal static class SessionStoreConnection
{
    internal static SqliteConnection Open(string path)
    {
        SqliteConnection connection = StoreConnection.Open(path);
        try
        {
            SessionSchema.Migrate(connection);
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }
}
