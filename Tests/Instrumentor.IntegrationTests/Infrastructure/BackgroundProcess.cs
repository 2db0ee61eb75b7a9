using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Text;

namespace Instrumentor.IntegrationTests.Infrastructure;

/// <summary>
/// A process that keeps running while the test talks to it (a web server), with its output captured. Dispose kills
/// it if it is still running.
/// </summary>
internal sealed class BackgroundProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();

    private BackgroundProcess(Process process) => _process = process;

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public string StandardOutput
    {
        get
        {
            lock (_stdout)
            {
                return _stdout.ToString();
            }
        }
    }

    public static BackgroundProcess Start(string fileName, string arguments, string workingDirectory, IDictionary<string, string?>? environment = null)
    {
        ProcessStartInfo start = ProcessRunner.StartInfo(fileName, arguments, workingDirectory, environment);

        var process = new Process { StartInfo = start };
        var running = new BackgroundProcess(process);
        process.OutputDataReceived += (_, e) => running.Append(running._stdout, e.Data);
        process.ErrorDataReceived += (_, e) => running.Append(running._stderr, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return running;
    }

    /// <summary>
    /// Asks the process to stop as a service manager would: SIGTERM (<c>kill -TERM</c>; <see cref="Process.Kill()"/>
    /// would send SIGKILL, which skips graceful shutdown), then waits for it to exit.
    /// </summary>
    public ProcessRunner.Result Terminate(TimeSpan timeout)
    {
        ProcessRunner.Result kill = ProcessRunner.Run("kill", $"-TERM {_process.Id}", Environment.CurrentDirectory);
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException("kill -TERM failed:\n" + kill);
        }

        if (!_process.WaitForExit(timeout))
        {
            throw new TimeoutException($"the process did not exit within {timeout} after SIGTERM.\n{this}");
        }

        _process.WaitForExit(); // drains the output readers
        return new ProcessRunner.Result(_process.ExitCode, StandardOutput, StandardErrorText());
    }

    public override string ToString() => $"--- stdout\n{StandardOutput}\n--- stderr\n{StandardErrorText()}";

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5_000);
            }
        }
        catch (InvalidOperationException)
        {
        }

        _process.Dispose();
    }

    private string StandardErrorText()
    {
        lock (_stderr)
        {
            return _stderr.ToString();
        }
    }

    private void Append(StringBuilder buffer, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (buffer)
        {
            buffer.AppendLine(line);
        }
    }
}
