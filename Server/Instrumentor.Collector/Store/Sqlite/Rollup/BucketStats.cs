using Instrumentor.Collector.Json;

namespace Instrumentor.Collector.Store.Sqlite.Rollup;

/// <summary>
/// One process's span counts, errors and duration histograms over a range and per time bucket, as the rollup paths of
/// the SQLite and the PostgreSQL store add them up (<see cref="RollupStats"/>, <c>PostgresRollupStats</c>).
/// </summary>
internal sealed class BucketStats(int buckets)
{
    private readonly long[] _counts = new long[buckets];
    private readonly long[] _errors = new long[buckets];
    private readonly LogHistogram?[] _histograms = new LogHistogram?[buckets];

    /// <summary>Spans counted over the whole range.</summary>
    public long Count { get; private set; }

    private long Errors { get; set; }

    /// <summary>Counts <paramref name="spans"/> spans, <paramref name="errors"/> of them errors, in <paramref name="bucket"/>.</summary>
    public void Add(int bucket, long spans, long errors)
    {
        Count += spans;
        Errors += errors;
        _counts[bucket] += spans;
        _errors[bucket] += errors;
    }

    /// <summary>The duration histogram of <paramref name="bucket"/>, made when first asked for.</summary>
    public LogHistogram Histogram(int bucket) => _histograms[bucket] ??= new LogHistogram();

    /// <summary>The answer's item: totals and percentiles over the range, and each bucket's counts and p95.</summary>
    public StatsItem ToItem(string process, long fromMicroseconds, long widthMicroseconds)
    {
        var all = new LogHistogram();
        var items = new StatsBucket[_counts.Length];
        for (int i = 0; i < items.Length; i++)
        {
            LogHistogram? h = _histograms[i];
            if (h is not null)
            {
                all.Add(h);
            }

            items[i] = new StatsBucket(StoreText.Timestamp(fromMicroseconds + i * widthMicroseconds), _counts[i], _errors[i], h?.Percentile(0.95));
        }

        return new StatsItem(process, Count, Errors, Count == 0 ? 0 : (double)Errors / Count,
            all.Percentile(0.50), all.Percentile(0.95), all.Percentile(0.99), items);
    }
}
