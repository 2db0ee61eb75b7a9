using System;

namespace Instrumentor.Sessions;

/// <summary>Which sessions <see cref="SessionStore.ListSessions"/> returns: newest first, a page at a time.</summary>
public sealed class SessionQuery
{
    /// <summary>The default page size.</summary>
    public const int DefaultLimit = 50;

    /// <summary>The largest page size.</summary>
    public const int MaxLimit = 1000;

    /// <summary>Sessions created at or after this time.</summary>
    public DateTimeOffset? From { get; set; }

    /// <summary>Sessions created before this time.</summary>
    public DateTimeOffset? To { get; set; }

    /// <summary>Sessions of this experiment.</summary>
    public string? ExperimentId { get; set; }

    /// <summary>Sessions with at least one event of this system instance (<c>events.system_instance_id</c>).</summary>
    public string? System { get; set; }

    /// <summary>Sessions whose events cost more than this many dollars in total.</summary>
    public decimal? MinCostUsd { get; set; }

    /// <summary>Page size, 1 to <see cref="MaxLimit"/>.</summary>
    public int Limit { get; set; } = DefaultLimit;

    /// <summary>The <see cref="SessionPage.NextCursor"/> of the previous page.</summary>
    public string? Cursor { get; set; }
}
