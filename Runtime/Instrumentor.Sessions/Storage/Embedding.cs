using System;
using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Instrumentor.Sessions.Storage;

/// <summary>Embeddings as stored: float32 little-endian blobs; cosine similarity over them.</summary>
internal static class Embedding
{
    internal static byte[]? ToBlob(float[]? vector)
    {
        if (vector is null)
        {
            return null;
        }

        var blob = new byte[vector.Length * sizeof(float)];
        for (int i = 0; i < vector.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(blob.AsSpan(i * sizeof(float)), vector[i]);
        }

        return blob;
    }

    internal static float[]? FromBlob(byte[]? blob)
    {
        if (blob is null)
        {
            return null;
        }

        if (blob.Length % sizeof(float) != 0)
        {
            throw new FormatException($"an embedding blob of {blob.Length} bytes is not a float32 vector");
        }

        var vector = new float[blob.Length / sizeof(float)];
        for (int i = 0; i < vector.Length; i++)
        {
            vector[i] = BinaryPrimitives.ReadSingleLittleEndian(blob.AsSpan(i * sizeof(float)));
        }

        return vector;
    }

    /// <summary>Cosine similarity of two float32 blobs; <see langword="null"/> when either is missing, empty, zero or the lengths differ.</summary>
    internal static double? Cosine(byte[]? a, byte[]? b)
    {
        if (a is null || b is null || a.Length != b.Length || a.Length == 0 || a.Length % sizeof(float) != 0)
        {
            return null;
        }

        ReadOnlySpan<float> x = MemoryMarshal.Cast<byte, float>(a);
        ReadOnlySpan<float> y = MemoryMarshal.Cast<byte, float>(b);
        if (!BitConverter.IsLittleEndian)
        {
            return Cosine(FromBlob(a)!, FromBlob(b)!);
        }

        return Cosine(x, y);
    }

    internal static double? Cosine(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        double dot = 0, nx = 0, ny = 0;
        for (int i = 0; i < x.Length; i++)
        {
            dot += (double)x[i] * y[i];
            nx += (double)x[i] * x[i];
            ny += (double)y[i] * y[i];
        }

        return nx == 0 || ny == 0 ? null : dot / (Math.Sqrt(nx) * Math.Sqrt(ny));
    }
}
