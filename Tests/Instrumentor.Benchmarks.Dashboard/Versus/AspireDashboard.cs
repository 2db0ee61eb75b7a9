using System;
using System.Diagnostics;
using System.IO;
using System.Net.Http;
using System.Text;
using System.Threading.Tasks;
using Instrumentor.Dashboard.Tests.Infrastructure;

namespace Instrumentor.Benchmarks.Dashboard.Versus;

/// <summary>
/// The .NET Aspire dashboard (the closest peer) run from its NuGet package: a throwaway project with only a
/// <c>PackageDownload</c> fetches the package into the NuGet cache (nothing of it enters the repository), then the
/// dashboard starts on free loopback ports, browser UI and OTLP/HTTP, without login (local use).
/// </summary>
internal sealed class AspireDashboard : IAsyncDisposable
{
    public const string Package = "Aspire.Dashboard.Sdk.linux-x64";
    public const string DefaultVersion = "13.6.5";

    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private AspireDashboard(Process process, Uri ui, Uri otlpTraces)
    {
        _process = process;
        BaseAddress = ui;
        OtlpTraces = otlpTraces;
    }

    /// <summary>The browser UI, http://127.0.0.1:port/.</summary>
    public Uri BaseAddress { get; }

    /// <summary>Its OTLP/HTTP traces endpoint.</summary>
    public Uri OtlpTraces { get; }

    public int ProcessId => _process.Id;

    public string Output
    {
        get
        {
            lock (_output) return _output.ToString();
        }
    }

    /// <summary>Downloads the package (once; the NuGet cache keeps it) and returns the folder of the dashboard's files.</summary>
    public static async Task<string> DownloadAsync(string version)
    {
        var project = Path.Combine(Path.GetTempPath(), "instrumentor-aspire-download");
        Directory.CreateDirectory(project);
        // Outside the repository: no Directory.Build.props or central package versions apply to it.
        await File.WriteAllTextAsync(Path.Combine(project, "download.csproj"),
            $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup><TargetFramework>net10.0</TargetFramework></PropertyGroup>
              <ItemGroup><PackageDownload Include="{Package}" Version="[{version}]" /></ItemGroup>
            </Project>
            """);
        var (code, output) = await RunAsync("dotnet", project, "restore", "--nologo", "-v:q");
        if (code != 0) throw new InvalidOperationException($"dotnet restore of {Package} {version} failed ({code}):\n{output}");
        var (_, locals) = await RunAsync("dotnet", project, "nuget", "locals", "global-packages", "--list");
        // "global-packages: /root/.nuget/packages/"
        var root = locals.Trim().Split(':', 2)[1].Trim();
        var tools = Path.Combine(root, Package.ToLowerInvariant(), version, "tools");
        if (!File.Exists(Path.Combine(tools, "Aspire.Dashboard")))
            throw new FileNotFoundException($"The package was restored but {tools}/Aspire.Dashboard is missing.");
        return tools;
    }

    /// <summary>Starts the dashboard from <paramref name="tools"/> and waits until its UI answers.</summary>
    public static async Task<AspireDashboard> StartAsync(string tools)
    {
        var ui = new Uri($"http://127.0.0.1:{FreePort.Next()}/");
        var otlpHttp = new Uri($"http://127.0.0.1:{FreePort.Next()}");
        var otlpGrpc = new Uri($"http://127.0.0.1:{FreePort.Next()}");
        // The package holds one self-contained executable; NuGet's extraction may drop its execute bit.
        var executable = Path.Combine(tools, "Aspire.Dashboard");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(executable, File.GetUnixFileMode(executable) | UnixFileMode.UserExecute);
        var start = new ProcessStartInfo(executable)
        {
            WorkingDirectory = tools,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["ASPNETCORE_URLS"] = ui.ToString().TrimEnd('/');
        start.Environment["ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL"] = otlpHttp.ToString().TrimEnd('/');
        start.Environment["ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL"] = otlpGrpc.ToString().TrimEnd('/');
        start.Environment["ASPIRE_DASHBOARD_UNSECURED_ALLOW_ANONYMOUS"] = "true";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";

        var process = new Process { StartInfo = start };
        var dashboard = new AspireDashboard(process, ui, new Uri(otlpHttp, "/v1/traces"));
        process.OutputDataReceived += (_, e) => dashboard.Append(e.Data);
        process.ErrorDataReceived += (_, e) => dashboard.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await dashboard.WaitUntilUpAsync();
        return dashboard;
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
    }

    private async Task WaitUntilUpAsync()
    {
        using var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited) throw new InvalidOperationException($"the Aspire dashboard exited with {_process.ExitCode}:\n{Output}");
            try
            {
                using var response = await client.GetAsync("traces");
                if (response.IsSuccessStatusCode) return;
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            catch (TaskCanceledException)
            {
                // starting up
            }
            await Task.Delay(200);
        }
        throw new TimeoutException($"the Aspire dashboard did not answer within 120 s:\n{Output}");
    }

    private static async Task<(int Code, string Output)> RunAsync(string file, string directory, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
