using System;
using System.IO;

namespace Instrumentor.Sessions.Tests;

/// <summary>A fresh directory with a store path in it, deleted afterwards.</summary>
internal sealed class TempStore : IDisposable
{
    public TempStore()
    {
        Directory = Path.Combine(Path.GetTempPath(), "instrumentor-sessions-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
        DatabasePath = Path.Combine(Directory, "traces.db");
    }

    public string Directory { get; }

    public string DatabasePath { get; }

    public SessionTracer Tracer(Action<SessionTracerOptions>? configure = null)
    {
        var options = new SessionTracerOptions { DatabasePath = DatabasePath };
        configure?.Invoke(options);
        return new SessionTracer(options);
    }

    public SessionStore Open() => SessionStore.Open(DatabasePath);

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A child process may still hold the file for a moment; the temp directory is cleaned by the OS.
        }
    }
}
