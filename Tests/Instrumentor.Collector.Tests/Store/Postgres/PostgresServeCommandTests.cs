using System;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Threading.Tasks;
using Instrumentor.Collector.Commands;

namespace Instrumentor.Collector.Tests.Store.Postgres;

/// <summary><c>serve --postgres</c> and <c>INSTRUMENTOR_POSTGRES</c> on the command line: what a user sees when it cannot work.</summary>
public class PostgresServeCommandTests
{
    private static async Task<(int Exit, string Error)> Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = await CollectorCommandLine.RunAsync(args, output, error);
        return (exit, error.ToString());
    }

    // A port nothing listens on: the connection is refused at once.
    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [Test]
    public async Task Archives_do_not_apply_to_postgres_exit_2()
    {
        (int exit, string error) = await Run("serve", "--postgres", "Host=127.0.0.1;Database=x", "--archive-dir", Path.GetTempPath());

        exit.ShouldBe(2);
        error.ShouldContain("--archive-dir writes SQLite archives; it does not apply to --postgres");
    }

    [Test]
    public async Task An_unreachable_server_is_exit_1_naming_it_without_the_password()
    {
        int port = ClosedPort();
        (int exit, string error) = await Run("serve", "--urls", "http://127.0.0.1:0", "--postgres",
            $"Host=127.0.0.1;Port={port};Database=traces;Username=ops;Password=hunter2;Timeout=5");

        exit.ShouldBe(1);
        error.ShouldContain($"cannot open the PostgreSQL trace store postgresql://ops@127.0.0.1:{port}/traces");
        error.ShouldNotContain("hunter2");
    }

    [Test]
    public async Task A_malformed_connection_string_is_exit_1_saying_so()
    {
        (int exit, string error) = await Run("serve", "--urls", "http://127.0.0.1:0", "--postgres", "Hots=db;Databse=x");

        exit.ShouldBe(1);
        error.ShouldContain("--postgres: the connection string is not valid");
    }

    [Test]
    public async Task INSTRUMENTOR_POSTGRES_is_the_default_of_the_flag()
    {
        int port = ClosedPort();
        string? before = Environment.GetEnvironmentVariable("INSTRUMENTOR_POSTGRES");
        Environment.SetEnvironmentVariable("INSTRUMENTOR_POSTGRES", $"Host=127.0.0.1;Port={port};Database=from_env;Username=ops;Timeout=5");
        try
        {
            (int exit, string error) = await Run("serve", "--urls", "http://127.0.0.1:0");

            exit.ShouldBe(1);
            error.ShouldContain($"postgresql://ops@127.0.0.1:{port}/from_env");
        }
        finally
        {
            Environment.SetEnvironmentVariable("INSTRUMENTOR_POSTGRES", before);
        }
    }
}
