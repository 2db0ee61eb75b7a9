using System.Collections.Generic;

namespace Instrumentor.Collector.Store.Postgres;

/// <summary>
/// The histogram arrays of <c>stats_minute</c> rows read before, by (site, minute), each with the row version it was
/// read from (<c>xmin</c>, the transaction that wrote that version). A row that an ingest or a purge changed since
/// has another <c>xmin</c>, whichever collector on the database changed it, so a cached entry is used only while it
/// is exact. A dashboard asks the same day of stats every few seconds: only the minutes still filling are read
/// again. Bounded: past <see cref="Capacity"/> entries it starts over.
/// </summary>
internal sealed class PostgresMinuteCache
{
    /// <summary>Entries kept at most (about 1.5 KB each: three days of 4 processes, or 10 hours of 20).</summary>
    internal const int Capacity = 20_000;

    private readonly object _gate = new();
    private readonly Dictionary<(long Site, long Minute), Entry> _entries = new();

    /// <summary>Entries held now (for tests).</summary>
    internal int Count
    {
        get
        {
            lock (_gate)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>The arrays of (site, minute) at version <paramref name="xmin"/>, if that version was read before.</summary>
    internal bool TryGet(long site, long minute, long xmin, out byte[] buckets, out byte[] counts)
    {
        lock (_gate)
        {
            if (_entries.TryGetValue((site, minute), out Entry entry) && entry.Xmin == xmin)
            {
                buckets = entry.Buckets;
                counts = entry.Counts;
                return true;
            }
        }

        buckets = counts = [];
        return false;
    }

    /// <summary>Keeps the arrays of (site, minute) as read at version <paramref name="xmin"/>.</summary>
    internal void Set(long site, long minute, long xmin, byte[] buckets, byte[] counts)
    {
        lock (_gate)
        {
            if (_entries.Count >= Capacity && !_entries.ContainsKey((site, minute)))
            {
                _entries.Clear();
            }

            _entries[(site, minute)] = new Entry(xmin, buckets, counts);
        }
    }

    private readonly record struct Entry(long Xmin, byte[] Buckets, byte[] Counts);
}
