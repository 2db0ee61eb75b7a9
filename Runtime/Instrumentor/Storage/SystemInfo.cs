namespace Instrumentor;

/// <summary>
/// Which system a span comes from (the seed's <c>system_info</c>): kept once per instance in the store's
/// <c>instances</c> view, and referenced by each span (<c>process_trace.system_instance_id</c>).
/// </summary>
/// <param name="SystemName">A name people recognise, such as the service name.</param>
/// <param name="SystemId">Stable across restarts of the same system.</param>
/// <param name="SystemInstanceId">One running instance (a process start); the key of <c>instances</c>.</param>
internal sealed record SystemInfo(string SystemName, string SystemId, string SystemInstanceId)
{
    /// <summary>The host the instance runs on, when known.</summary>
    internal string? Host { get; init; }

    /// <summary>The instance's process id, when known.</summary>
    internal int? Pid { get; init; }

    /// <summary>When the instance started (microseconds since the Unix epoch, UTC), when known.</summary>
    internal long? StartedUnixMicroseconds { get; init; }
}
