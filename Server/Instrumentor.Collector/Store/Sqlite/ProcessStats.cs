using System;
using System.Collections.Generic;
using Instrumentor.Collector.Json;

namespace Instrumentor.Collector.Store.Sqlite;

/// <summary>Counts and measured durations of one process over a time range, split into buckets, for exact percentiles.</summary>
internal sealed class ProcessStats
{
    private readonly long[] _counts;
    private readonly long[] _errors;
    private readonly List<long>[] _durations;
    private long _count;
    private long _errorCount;

    public ProcessStats(int buckets)
    {
        _counts = new long[buckets];
        _errors = new long[buckets];
        _durations = new List<long>[buckets];
        for (int i = 0; i < buckets; i++)
        {
            _durations[i] = [];
        }
    }

    public void Add(int bucket, bool error, long? durationNanoseconds)
    {
        _count++;
        _counts[bucket]++;
        if (error)
        {
            _errorCount++;
            _errors[bucket]++;
        }

        if (durationNanoseconds is { } d)
        {
            _durations[bucket].Add(d);
        }
    }

    public StatsItem ToItem(string process, long fromMicroseconds, long widthMicroseconds)
    {
        var all = new List<long>();
        var buckets = new StatsBucket[_counts.Length];
        for (int i = 0; i < buckets.Length; i++)
        {
            _durations[i].Sort();
            all.AddRange(_durations[i]);
            buckets[i] = new StatsBucket(StoreText.Timestamp(fromMicroseconds + i * widthMicroseconds), _counts[i], _errors[i], Percentile(_durations[i], 0.95));
        }

        all.Sort();
        return new StatsItem(process, _count, _errorCount, _count == 0 ? 0 : (double)_errorCount / _count,
            Percentile(all, 0.50), Percentile(all, 0.95), Percentile(all, 0.99), buckets);
    }

    /// <summary>Nearest-rank percentile of sorted nanoseconds, in milliseconds; null without data.</summary>
    internal static double? Percentile(List<long> sorted, double p)
    {
        if (sorted.Count == 0)
        {
            return null;
        }

        int rank = (int)Math.Ceiling(p * sorted.Count);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)] / 1_000_000.0;
    }
}
