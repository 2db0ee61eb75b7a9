using System;
using System.Buffers.Binary;
using System.IO;
using System.Runtime.CompilerServices;
using Instrumentor.Collector.Store.Sqlite.Rollup;

namespace Instrumentor.Collector.Store.Postgres;

/// <summary>
/// Reads the histogram arrays of <c>stats_minute</c> in PostgreSQL's binary array format, as <c>array_send</c> gives
/// them (a <c>bytea</c>): a header (dimensions, null flag, element type, then length and lower bound per dimension)
/// and each element as a 4-byte length and its big-endian value. Reading them as <c>bytea</c> and walking them here
/// costs a fraction of Npgsql's array reading (arrays of boxed element converters, slow until tiered up): the 24 h
/// stats read 6,000 such rows per call.
/// </summary>
internal static class PostgresArrayWire
{
    // Element type oids of the binary header (pg_type): smallint and bigint.
    private const int Int2Oid = 21;
    private const int Int8Oid = 20;

    /// <summary>Adds the (bucket, count) pairs of a <c>smallint[]</c> and a <c>bigint[]</c> of equal length to <paramref name="histogram"/>.</summary>
    /// <exception cref="InvalidDataException">Either is not a one-dimensional array without nulls of that type.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void AddTo(LogHistogram histogram, ReadOnlySpan<byte> buckets, ReadOnlySpan<byte> counts)
    {
        int n = Elements(ref buckets, Int2Oid, 2, "smallint");
        if (Elements(ref counts, Int8Oid, 8, "bigint") != n)
        {
            throw new InvalidDataException("stats_minute: the buckets and counts arrays differ in length");
        }

        for (int i = 0; i < n; i++)
        {
            short bucket = BinaryPrimitives.ReadInt16BigEndian(buckets.Slice((i * 6) + 4));
            long count = BinaryPrimitives.ReadInt64BigEndian(counts.Slice((i * 12) + 4));
            histogram.Add(bucket, count);
        }
    }

    /// <summary>Checks the header and the element lengths; leaves <paramref name="data"/> at the first element.</summary>
    private static int Elements(ref ReadOnlySpan<byte> data, int elementOid, int width, string typeName)
    {
        if (data.Length < 12)
        {
            throw new InvalidDataException("stats_minute: an array shorter than its header");
        }

        int dimensions = BinaryPrimitives.ReadInt32BigEndian(data);
        int hasNulls = BinaryPrimitives.ReadInt32BigEndian(data.Slice(4));
        if (BinaryPrimitives.ReadInt32BigEndian(data.Slice(8)) != elementOid)
        {
            throw new InvalidDataException($"stats_minute: a histogram array is not a {typeName}[]");
        }

        if (dimensions == 0)
        {
            data = ReadOnlySpan<byte>.Empty;
            return 0;
        }

        if (dimensions != 1 || hasNulls != 0 || data.Length < 20)
        {
            throw new InvalidDataException("stats_minute: a histogram array is not one-dimensional without nulls");
        }

        int n = BinaryPrimitives.ReadInt32BigEndian(data.Slice(12));
        data = data.Slice(20);
        if (n < 0 || data.Length != (long)n * (4 + width))
        {
            throw new InvalidDataException("stats_minute: a histogram array's size does not match its element count");
        }

        for (int i = 0; i < n; i++)
        {
            if (BinaryPrimitives.ReadInt32BigEndian(data.Slice(i * (4 + width))) != width)
            {
                throw new InvalidDataException("stats_minute: a histogram array element has an unexpected width");
            }
        }

        return n;
    }
}
