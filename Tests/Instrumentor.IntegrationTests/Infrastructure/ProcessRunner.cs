using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Text;

namespace Instrumentor.IntegrationTests.Infrastructure;

/// <summary>Runs a process to completion with a time limit and captures its output.</summary>
internal static class ProcessRunner
{
    public sealed record Result(int ExitCode, string StandardOutput, string StandardError)
    {
        public override string ToString() => $"exit {ExitCode}\n--- stdout\n{StandardOutput}\n--- stderr\n{StandardError}";
    }

    /// <summary>How every test process starts: redirected output and input, no telemetry banner, extra environment.</summary>
    public static ProcessStartInfo StartInfo(string fileName, string arguments, string workingDirectory, IDictionary<string, string?>? environment)
    {
        var start = new ProcessStartInfo(fileName, arguments)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var pair in environment ?? new Dictionary<string, string?>())
        {
            start.Environment[pair.Key] = pair.Value;
        }

        return start;
    }

    public static Result Run(string fileName, string arguments, string workingDirectory, IDictionary<string, string?>? environment = null, TimeSpan? timeout = null)
    {
        ProcessStartInfo start = StartInfo(fileName, arguments, workingDirectory, environment);
        using var process = new Process { StartInfo = start };
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (stdout) { stdout.AppendLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (stderr) { stderr.AppendLine(e.Data); } } };
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(timeout ?? TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {arguments} did not finish in time.\n{stdout}\n{stderr}");
        }

        process.WaitForExit();
        return new Result(process.ExitCode, stdout.ToString(), stderr.ToString());
    }
}
