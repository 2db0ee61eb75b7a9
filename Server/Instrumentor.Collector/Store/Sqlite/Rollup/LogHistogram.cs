using System;
using System.Collections.Generic;

namespace Instrumentor.Collector.Store.Sqlite.Rollup;

/// <summary>
/// Durations counted in logarithmic buckets 4 % wide (bucket <c>b</c> holds [γ^b, γ^(b+1)) nanoseconds, γ = 1.04), so a
/// percentile read back as the bucket's geometric middle is within 2 % of the exact one, whatever the scale: 1 µs and
/// 10 s calls are equally precise. Stored as a blob of (bucket, count) varint pairs: a minute of one method with a
/// steady latency takes a few dozen bytes.
/// </summary>
internal sealed class LogHistogram
{
    /// <summary>Relative width of a bucket.</summary>
    internal const double Gamma = 1.04;

    // 0 ns to ~10^13 ns (2.8 hours) in 770 buckets; longer calls land in the last one.
    internal const int Buckets = 770;

    private static readonly double s_logGamma = Math.Log(Gamma);

    private long[]? _counts;
    // The lowest and highest non-empty bucket: merges, percentiles and encoding walk only that span (a minute of one
    // method holds a few neighbouring buckets, not 770).
    private int _low = Buckets;
    private int _high = -1;

    /// <summary>Durations counted.</summary>
    public long Total { get; private set; }

    /// <summary>The bucket of a duration in nanoseconds (0 for 0 and 1 ns).</summary>
    internal static int BucketOf(long nanoseconds) =>
        nanoseconds <= 1 ? 0 : Math.Min(Buckets - 1, (int)(Math.Log(nanoseconds) / s_logGamma));

    public void Add(long nanoseconds) => Add(BucketOf(nanoseconds), 1);

    public void Add(LogHistogram other)
    {
        if (other._counts is null)
        {
            return;
        }

        for (int b = other._low; b <= other._high; b++)
        {
            if (other._counts[b] != 0)
            {
                Add(b, other._counts[b]);
            }
        }
    }

    /// <summary>Adds <paramref name="count"/> durations to bucket <paramref name="bucket"/> (the PostgreSQL store keeps them as arrays).</summary>
    internal void Add(int bucket, long count)
    {
        _counts ??= new long[Buckets];
        _counts[bucket] += count;
        Total += count;
        _low = Math.Min(_low, bucket);
        _high = Math.Max(_high, bucket);
    }

    /// <summary>Nearest-rank percentile in milliseconds (the bucket's geometric middle); null when empty.</summary>
    public double? Percentile(double p)
    {
        if (_counts is null || Total == 0)
        {
            return null;
        }

        long rank = Math.Max(1, (long)Math.Ceiling(p * Total));
        long seen = 0;
        for (int b = _low; b <= _high; b++)
        {
            seen += _counts[b];
            if (seen >= rank)
            {
                return b == 0 ? 0 : Math.Pow(Gamma, b + 0.5) / 1_000_000.0;
            }
        }

        return Math.Pow(Gamma, Buckets - 0.5) / 1_000_000.0;
    }

    /// <summary>The (bucket, count) varint pairs of the non-empty buckets, in bucket order.</summary>
    public byte[] Encode()
    {
        if (_counts is null)
        {
            return [];
        }

        var bytes = new List<byte>(64);
        for (int b = _low; b <= _high; b++)
        {
            if (_counts[b] != 0)
            {
                WriteVarint(bytes, (ulong)b);
                WriteVarint(bytes, (ulong)_counts[b]);
            }
        }

        return bytes.ToArray();
    }

    /// <summary>Adds the buckets of an encoded histogram.</summary>
    /// <exception cref="FormatException">The blob is not a histogram of this layout.</exception>
    public void AddEncoded(ReadOnlySpan<byte> blob)
    {
        int i = 0;
        while (i < blob.Length)
        {
            ulong bucket = ReadVarint(blob, ref i);
            ulong count = ReadVarint(blob, ref i);
            if (bucket >= Buckets)
            {
                throw new FormatException($"histogram bucket {bucket} out of range");
            }

            Add((int)bucket, (long)count);
        }
    }

    private static void WriteVarint(List<byte> bytes, ulong value)
    {
        while (value >= 0x80)
        {
            bytes.Add((byte)(value | 0x80));
            value >>= 7;
        }

        bytes.Add((byte)value);
    }

    private static ulong ReadVarint(ReadOnlySpan<byte> blob, ref int i)
    {
        ulong value = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            if (i >= blob.Length)
            {
                throw new FormatException("truncated histogram");
            }

            byte b = blob[i++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }

        throw new FormatException("histogram varint too long");
    }
}
