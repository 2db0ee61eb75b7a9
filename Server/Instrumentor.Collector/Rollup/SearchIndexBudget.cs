using System.Threading;

namespace Instrumentor.Collector.Rollup;

/// <summary>
/// How much of the writer's time the search index may take while ingest is busy: after a turn of <c>t</c>, the next
/// waits <c>t × (1 − share) / share</c>, so the index's turns add up to at most <see cref="Share"/> of the time. When
/// ingest is not busy there is no wait (the index catches up at full speed). Times are Stopwatch timestamps.
/// </summary>
internal sealed class SearchIndexBudget(double share)
{
    private long _notBefore;

    /// <summary>The share of the time the index may take while ingest is busy (0 to 1).</summary>
    public double Share { get; } = share;

    /// <summary>Whether a turn may start at <paramref name="now"/>.</summary>
    public bool MayRun(long now) => now >= Volatile.Read(ref _notBefore);

    /// <summary>A turn ran from <paramref name="began"/> to <paramref name="ended"/>, while ingest was <paramref name="busy"/> or not.</summary>
    public void Ran(long began, long ended, bool busy) =>
        Volatile.Write(ref _notBefore, busy ? ended + (long)((ended - began) * ((1 - Share) / Share)) : ended);
}
