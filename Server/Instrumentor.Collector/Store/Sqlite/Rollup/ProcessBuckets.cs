using System;
using System.Collections.Generic;
using System.Linq;
using Instrumentor.Collector.Json;

namespace Instrumentor.Collector.Store.Sqlite.Rollup;

/// <summary>
/// The <see cref="BucketStats"/> of each process, found from a site id (several sites, methods of one process, add
/// into one): what the rollup stats of both stores fill, row by row, and turn into the answer.
/// </summary>
internal sealed class ProcessBuckets(int buckets, Func<long, string> processOf)
{
    private readonly Dictionary<string, BucketStats> _perProcess = new(StringComparer.Ordinal);
    private readonly Dictionary<long, BucketStats> _perSite = new();

    /// <summary>Spans counted so far, over every process.</summary>
    public long Count => _perProcess.Values.Sum(p => p.Count);

    /// <summary>The stats of the process that <paramref name="site"/> belongs to.</summary>
    public BucketStats Of(long site)
    {
        if (!_perSite.TryGetValue(site, out BucketStats? stats))
        {
            string name = processOf(site);
            if (!_perProcess.TryGetValue(name, out stats))
            {
                _perProcess[name] = stats = new BucketStats(buckets);
            }

            _perSite[site] = stats;
        }

        return stats;
    }

    /// <summary>The answer's items, the busiest process first.</summary>
    public IReadOnlyList<StatsItem> Items(long fromMicroseconds, long widthMicroseconds) => _perProcess
        .Select(p => p.Value.ToItem(p.Key, fromMicroseconds, widthMicroseconds))
        .OrderByDescending(i => i.Count).ThenBy(i => i.Process, StringComparer.Ordinal)
        .ToList();
}
