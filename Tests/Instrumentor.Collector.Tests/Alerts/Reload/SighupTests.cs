using System;
using System.Diagnostics;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Instrumentor.Collector.Tests.Infrastructure;
using Instrumentor.Testing;

namespace Instrumentor.Collector.Tests.Alerts.Reload;

/// <summary>A real <c>instrumentor serve</c> process: SIGHUP reloads the alerts file and does not stop the server.</summary>
[NonParallelizable]
public class SighupTests
{
    [Test]
    public async Task Sighup_reloads_the_alerts_file_and_the_server_keeps_running()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Ignore("SIGHUP is a POSIX signal");
        }

        using var directory = new TempDirectory("sighup");
        string file = directory.Combine("alerts.toml");
        await File.WriteAllTextAsync(file, "[[alerts.rule]]\nname = \"a\"\nquery = \"SELECT 0\"\nthreshold = 1\n");
        string dll = Path.Combine(AppContext.BaseDirectory, "Instrumentor.Collector.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { dll, "serve", "--db", directory.Combine("traces.db"), "--urls", "http://127.0.0.1:0", "--alerts", file, "--retention", "0" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using Process serve = Process.Start(start)!;
        var lines = new System.Collections.Concurrent.BlockingCollection<string>();
        serve.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lines.Add(e.Data);
            }
        };
        serve.BeginOutputReadLine();
        try
        {
            WaitFor(lines, "Alerts: 1 rule(s)");
            using (Process kill = Process.Start("kill", $"-HUP {serve.Id}")!)
            {
                await kill.WaitForExitAsync();
                kill.ExitCode.ShouldBe(0);
            }

            WaitFor(lines, "\"event\":\"alert.reloaded\"");
            serve.HasExited.ShouldBeFalse("SIGHUP reloads, it does not stop the collector");
        }
        finally
        {
            if (!serve.HasExited)
            {
                serve.Kill();
                await serve.WaitForExitAsync();
            }
        }
    }

    private static void WaitFor(System.Collections.Concurrent.BlockingCollection<string> lines, string text)
    {
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            while (!lines.Take(patience.Token).Contains(text, StringComparison.Ordinal))
            {
            }
        }
        catch (OperationCanceledException)
        {
            throw new AssertionException($"the collector never printed '{text}'");
        }
    }
}
