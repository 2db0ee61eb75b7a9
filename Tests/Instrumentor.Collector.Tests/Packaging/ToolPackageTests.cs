using System;
using System.Diagnostics;
using System.IO;
using System.Net.Http;
using System.Threading.Tasks;
using Instrumentor.Collector.Tests.Infrastructure;
using Instrumentor.Testing;

namespace Instrumentor.Collector.Tests.Packaging;

/// <summary>
/// The packed tool installs and runs like a user's: pack to a temp feed, <c>dotnet tool install --tool-path</c> into a
/// temp folder, then <c>instrumentor --help</c> and <c>instrumentor serve</c> on a free port.
/// </summary>
[NonParallelizable]
[Category("Build")]
public class ToolPackageTests
{
    private TempDirectory _work = null!;
    private string _tool = "";

    [OneTimeSetUp]
    public void PackAndInstall()
    {
        _work = new TempDirectory("tool");
        string version = "0.0.0-test-" + Guid.NewGuid().ToString("N")[..12];
        string feed = _work.Combine("feed");
        string root = RepositoryRoot();
        (int packed, string packOutput) = Run("dotnet",
            $"pack Server/Instrumentor.Collector -c Release -nologo -v:q -o \"{feed}\" -p:Version={version} --artifacts-path \"{_work.Combine("artifacts")}\"", root);
        packed.ShouldBe(0, packOutput);
        File.Exists(Path.Combine(feed, $"Instrumentor.Collector.{version}.nupkg")).ShouldBeTrue(packOutput);

        string tools = _work.Combine("tools");
        (int installed, string installOutput) = Run("dotnet",
            $"tool install Instrumentor.Collector --version {version} --tool-path \"{tools}\" --add-source \"{feed}\"", _work.Path);
        installed.ShouldBe(0, installOutput);
        _tool = Path.Combine(tools, OperatingSystem.IsWindows() ? "instrumentor.exe" : "instrumentor");
        File.Exists(_tool).ShouldBeTrue(installOutput);
    }

    [OneTimeTearDown]
    public void CleanUp() => _work.Dispose();

    [Test]
    public void The_installed_tool_prints_its_help()
    {
        (int exit, string output) = Run(_tool, "--help", _work.Path);

        exit.ShouldBe(0, output);
        output.ShouldContain("serve");
        output.ShouldContain("purge");
    }

    [Test]
    public async Task The_installed_tool_serves_ingests_and_answers_queries()
    {
        int port = FreePort();
        string db = _work.Combine("served.db");
        var start = new ProcessStartInfo(_tool, $"serve --db \"{db}\" --urls http://127.0.0.1:{port}")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = _work.Path,
        };
        using Process server = Process.Start(start)!;
        // The output is drained (a full pipe would block the server) but not relied on: readiness is /healthz.
        var output = new System.Text.StringBuilder();
        server.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        server.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        server.BeginOutputReadLine();
        server.BeginErrorReadLine();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };
            await WaitForHealthAsync(http, server, output);

            string spanId = Events.NewSpanId();
            using var body = new StringContent(Events.Stream(Events.Event(spanId: spanId)), System.Text.Encoding.UTF8, "application/json");
            using HttpResponseMessage posted = await http.PostAsync("/v1/uploads/stream", body);
            (await posted.Content.ReadAsStringAsync()).ShouldBe("""{"accepted":1,"duplicates":0}""");

            string spans = await http.GetStringAsync("/api/spans");
            spans.ShouldContain(spanId);
            spans.ShouldContain("Shop.PricingService.PriceOrder");
        }
        finally
        {
            server.Kill(entireProcessTree: true);
            server.WaitForExit(10_000);
        }
    }

    private static async Task WaitForHealthAsync(HttpClient http, Process server, System.Text.StringBuilder output)
    {
        DateTime deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (server.HasExited)
            {
                lock (output)
                {
                    Assert.Fail($"instrumentor serve exited with {server.ExitCode}: {output}");
                }
            }

            try
            {
                using HttpResponseMessage health = await http.GetAsync("/healthz");
                if (health.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(200);
        }

        lock (output)
        {
            Assert.Fail("instrumentor serve did not answer /healthz within 60 s: " + output);
        }
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string RepositoryRoot()
    {
        string? directory = AppContext.BaseDirectory;
        while (directory is not null && !File.Exists(Path.Combine(directory, "Instrumentor.sln")))
        {
            directory = Path.GetDirectoryName(directory);
        }

        return directory ?? throw new InvalidOperationException("Instrumentor.sln not found above " + AppContext.BaseDirectory);
    }

    private static (int Exit, string Output) Run(string file, string arguments, string directory)
    {
        using var process = Process.Start(new ProcessStartInfo(file, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = directory,
        })!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(6)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {arguments} did not finish");
        }

        return (process.ExitCode, output.Result + error.Result);
    }
}
