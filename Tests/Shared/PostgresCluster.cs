using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;

namespace Instrumentor.Testing;

/// <summary>
/// A throwaway PostgreSQL server from Debian's <c>postgresql</c> package: <c>initdb</c> in a temp directory, started on
/// a free 127.0.0.1 port (socket in the same directory), stopped and deleted on dispose. Run as the <c>postgres</c> user
/// when the tests run as root (initdb refuses root). Shared by the collector tests and the load benchmark.
/// </summary>
internal sealed class PostgresCluster : IDisposable
{
    private readonly string _directory;
    private readonly string _bin;
    private readonly bool _asPostgresUser;
    private bool _disposed;

    private PostgresCluster(string directory, string bin, bool asPostgresUser, int port)
    {
        _directory = directory;
        _bin = bin;
        _asPostgresUser = asPostgresUser;
        Port = port;
    }

    public int Port { get; }

    /// <summary>The data directory.</summary>
    public string DataDirectory => Path.Combine(_directory, "data");

    /// <summary>A connection string to <paramref name="database"/> as the superuser (trust authentication).</summary>
    public string ConnectionString(string database = "postgres") =>
        $"Host=127.0.0.1;Port={Port};Database={database};Username=postgres;Pooling=true;Timeout=30;Command Timeout=300";

    /// <summary>The bin directory of the newest PostgreSQL installed, or null.</summary>
    public static string? FindBin() =>
        Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Where(d => File.Exists(Path.Combine(d, "bin", "initdb")))
                .OrderByDescending(d => int.TryParse(Path.GetFileName(d), out int v) ? v : 0)
                .Select(d => Path.Combine(d, "bin"))
                .FirstOrDefault()
            : null;

    /// <summary>Creates and starts a cluster; <paramref name="settings"/> are extra <c>-c name=value</c> server settings.</summary>
    /// <exception cref="InvalidOperationException">PostgreSQL is not installed, or the server did not start.</exception>
    public static PostgresCluster Start(params string[] settings)
    {
        string bin = FindBin() ?? throw new InvalidOperationException(
            "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb): the PostgreSQL store tests need a real server. " +
            "Install it with `apt-get install -y postgresql` (test.sh does when it is missing).");
        bool root = Environment.UserName == "root";
        string directory = Path.Combine(Path.GetTempPath(), $"instrumentor-pg-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        var cluster = new PostgresCluster(directory, bin, root, FreePort());
        try
        {
            if (root)
            {
                Run("chown", "postgres", directory);
            }

            cluster.Pg("initdb", "-D", cluster.DataDirectory, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C", "--no-sync");
            string options = $"-p {cluster.Port} -k {directory} -c listen_addresses=127.0.0.1 " + string.Join(' ', settings.Select(s => "-c " + s));
            cluster.Pg("pg_ctl", "-D", cluster.DataDirectory, "-o", options, "-l", Path.Combine(directory, "server.log"), "-w", "-t", "60", "start");
            return cluster;
        }
        catch
        {
            cluster.Dispose();
            throw;
        }
    }

    /// <summary>CPU time (user + system) of the server: the postmaster and every backend it started (Linux /proc).</summary>
    public TimeSpan CpuTime()
    {
        string pidFile = Path.Combine(DataDirectory, "postmaster.pid");
        if (!File.Exists(pidFile) || !int.TryParse(File.ReadLines(pidFile).First(), out int postmaster))
        {
            return TimeSpan.Zero;
        }

        long ticks = 0;
        foreach (string directory in Directory.GetDirectories("/proc"))
        {
            try
            {
                string stat = File.ReadAllText(Path.Combine(directory, "stat"));
                // Fields after the command name in parentheses: state ppid ... utime (14th) stime (15th).
                string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                int pid = int.Parse(Path.GetFileName(directory), System.Globalization.CultureInfo.InvariantCulture);
                if (pid == postmaster || fields[1] == postmaster.ToString(System.Globalization.CultureInfo.InvariantCulture))
                {
                    ticks += long.Parse(fields[11], System.Globalization.CultureInfo.InvariantCulture) + long.Parse(fields[12], System.Globalization.CultureInfo.InvariantCulture);
                }
            }
            catch (Exception e) when (e is IOException or FormatException or UnauthorizedAccessException or IndexOutOfRangeException or ArgumentOutOfRangeException)
            {
                // not a process, or it ended meanwhile
            }
        }

        return TimeSpan.FromSeconds(ticks / 100.0);
    }

    /// <summary>Creates an empty database and returns its connection string.</summary>
    public string CreateDatabase(string name)
    {
        Pg("createdb", "-h", "127.0.0.1", "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-U", "postgres", name);
        return ConnectionString(name);
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        try
        {
            if (File.Exists(Path.Combine(DataDirectory, "postmaster.pid")))
            {
                Pg("pg_ctl", "-D", DataDirectory, "-m", "immediate", "-w", "stop");
            }
        }
        catch (InvalidOperationException)
        {
            // already stopped
        }

        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private void Pg(string tool, params string[] arguments)
    {
        string path = Path.Combine(_bin, tool);
        if (_asPostgresUser)
        {
            Run("runuser", ["-u", "postgres", "--", path, .. arguments]);
        }
        else
        {
            Run(path, arguments);
        }
    }

    private static void Run(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {file}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        string stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} exited with {process.ExitCode}: {stderr}{stdout.Result}");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
