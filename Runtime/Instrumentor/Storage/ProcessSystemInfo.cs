using System;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;

namespace Instrumentor;

/// <summary>
/// The system info of this process, tagged on the runtime's own spans: the service name, a system id that stays the
/// same across restarts of that service on that host, and an instance id drawn once per process start.
/// </summary>
internal static class ProcessSystemInfo
{
    private static readonly string s_instanceId = Guid.CreateVersion7().ToString("N");
    private static readonly long s_started = StartTime();

    /// <summary>The system info for this process running as <paramref name="service"/>.</summary>
    internal static SystemInfo For(string? service)
    {
        string name = service ?? "unknown";
        string host = Environment.MachineName;
        // Stable: the same host and service give the same id after a restart; no state to keep.
        byte[] hash = SHA256.HashData(Encoding.UTF8.GetBytes(host + "\n" + name));
        return new SystemInfo(name, Convert.ToHexStringLower(hash, 0, 16), s_instanceId)
        {
            Host = host,
            Pid = Environment.ProcessId,
            StartedUnixMicroseconds = s_started,
        };
    }

    private static long StartTime()
    {
        try
        {
            using Process process = Process.GetCurrentProcess();
            return (process.StartTime.ToUniversalTime() - DateTime.UnixEpoch).Ticks / 10;
        }
        catch (Exception e) when (e is InvalidOperationException or NotSupportedException or System.ComponentModel.Win32Exception)
        {
            // Some sandboxes hide the process start time: the first use is the next best answer.
            return (DateTime.UtcNow - DateTime.UnixEpoch).Ticks / 10;
        }
    }
}
