using System;
using System.Threading;

namespace Instrumentor;

/// <summary>
/// The system a span belongs to when it is not this process's own (<see cref="Monitoring.BeginSystem"/>): an
/// <see cref="AsyncLocal{T}"/>, so it flows across <c>await</c>, <c>Task.Run</c> and every other
/// <see cref="ExecutionContext"/> hop exactly like the span context, and two concurrent flows never see each other's.
/// </summary>
/// <remarks>
/// The hot path reads it once per span start (<see cref="SpanRecord.Start"/>). A process that never called
/// <see cref="Monitoring.BeginSystem"/> pays one static read: the async-local is looked at only once a scope was ever
/// begun.
/// </remarks>
internal sealed class SystemScope : IDisposable
{
    private static readonly AsyncLocal<SystemInfo?> s_current = new();
    private static volatile bool s_used;

    private readonly SystemInfo? _previous;
    private int _disposed;

    private SystemScope(SystemInfo system)
    {
        _previous = s_current.Value;
        s_used = true;
        s_current.Value = system;
    }

    /// <summary>Whether a scope was ever begun in this process (until then <see cref="Current"/> is null without a look).</summary>
    internal static bool EverUsed => s_used;

    /// <summary>The system of the current async flow; <see langword="null"/>: the process's own.</summary>
    internal static SystemInfo? Current => s_used ? s_current.Value : null;

    internal static SystemScope Begin(string systemName, string systemId, string systemInstanceId)
    {
        Require(systemName, nameof(systemName));
        Require(systemId, nameof(systemId));
        Require(systemInstanceId, nameof(systemInstanceId));
        return new SystemScope(new SystemInfo(systemName, systemId, systemInstanceId)
        {
            // It runs here: the instances view shows where.
            Host = Environment.MachineName,
            Pid = Environment.ProcessId,
        });
    }

    /// <summary>Restores the system that was current when the scope began (in this flow).</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            s_current.Value = _previous;
        }
    }

    private static void Require(string value, string name)
    {
        ArgumentNullException.ThrowIfNull(value, name);
        if (value.Length == 0 || value.Length > 200 || string.IsNullOrWhiteSpace(value))
        {
            throw new ArgumentException("must be 1 to 200 characters, not only white space", name);
        }
    }
}
