using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Reflection;
using System.Text;
using System.Threading.Tasks;

namespace Instrumentor.Benchmarks.Collector;

/// <summary>
/// A real <c>instrumentor serve</c> process (the Release build of Server/Instrumentor.Collector) on a free loopback
/// port, stopped on dispose. Its output is read asynchronously and kept only for error messages.
/// </summary>
internal sealed class CollectorProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private CollectorProcess(Process process, Uri baseAddress, string database)
    {
        _process = process;
        BaseAddress = baseAddress;
        Database = database;
    }

    /// <summary>http://127.0.0.1:port/</summary>
    public Uri BaseAddress { get; }

    /// <summary>The store file the server writes.</summary>
    public string Database { get; }

    /// <summary>The server's process id (for its CPU time).</summary>
    public int Id => _process.Id;

    /// <summary>CPU time the server used so far (user + kernel).</summary>
    public TimeSpan CpuTime
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    /// <summary>Starts <c>serve --db <paramref name="database"/></c> and waits until <c>/healthz</c> answers 200.</summary>
    /// <remarks>
    /// The environment variable <c>INSTRUMENTOR_BENCH_COLLECTOR</c> names another build of the collector
    /// (<c>Instrumentor.Collector.dll</c>) to start instead, e.g. the one before a change, to measure both in one session.
    /// </remarks>
    public static Task<CollectorProcess> StartAsync(string database, params string[] extraArguments) =>
        StartWithAsync(Environment.GetEnvironmentVariable("INSTRUMENTOR_BENCH_COLLECTOR") is { Length: > 0 } other ? other : null, database, extraArguments);

    /// <summary>Starts the collector assembly <paramref name="collectorAssembly"/> (null: this repository's Release build).</summary>
    public static async Task<CollectorProcess> StartWithAsync(string? collectorAssembly, string database, params string[] extraArguments)
    {
        string collector = collectorAssembly ?? typeof(CollectorProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "CollectorAssembly").Value!;
        if (!File.Exists(collector))
        {
            throw new FileNotFoundException("The collector is not built (dotnet build -c Release Server/Instrumentor.Collector).", collector);
        }

        int port = FreePort();
        var baseAddress = new Uri($"http://127.0.0.1:{port}/");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in new[] { collector, "serve", "--db", database, "--urls", $"http://127.0.0.1:{port}" }.Concat(extraArguments))
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        var process = new Process { StartInfo = start };
        var server = new CollectorProcess(process, baseAddress, database);
        process.OutputDataReceived += (_, e) => server.Append(e.Data);
        process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await server.WaitUntilHealthyAsync().ConfigureAwait(false);
        return server;
    }

    /// <summary>Stops the server (SIGKILL of its process tree: the store is WAL, committed batches survive).</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().ConfigureAwait(false);
        }

        _process.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    private string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    private async Task WaitUntilHealthyAsync()
    {
        using var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        DateTime deadline = DateTime.UtcNow.AddSeconds(120);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"instrumentor serve exited with {_process.ExitCode}:\n{Output}");
            }

            try
            {
                using HttpResponseMessage response = await client.GetAsync("healthz").ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            catch (TaskCanceledException)
            {
                // still starting
            }

            await Task.Delay(100).ConfigureAwait(false);
        }

        throw new TimeoutException($"instrumentor serve did not answer /healthz within 120 s:\n{Output}");
    }
}
