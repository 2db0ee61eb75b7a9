using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Security.Cryptography;
using System.Text;

namespace Instrumentor;

/// <summary>
/// One exporter's durable cursor in an <see cref="OutboxSpool"/> folder: the number of the last span its endpoint
/// acknowledged, in <c>cursor-&lt;hash of the name&gt;.pos</c> as <c>[int64 number][uint32 crc32][name]</c>, rewritten
/// in place (one small write at offset 0: a process that dies leaves the old or the new value, never a mix). A file
/// that fails its checksum reads as 0: everything still in the outbox is sent again, which the collector stores once.
/// </summary>
internal static class OutboxCursorFile
{
    private const string Prefix = "cursor-";
    private const string Extension = ".pos";

    /// <summary>The cursor file of the exporter <paramref name="name"/> (any text: it is hashed into the file name).</summary>
    internal static string PathFor(string directory, string name)
    {
        byte[] hash = SHA256.HashData(Encoding.UTF8.GetBytes(name));
        return Path.Combine(directory, Prefix + Convert.ToHexStringLower(hash, 0, 8) + Extension);
    }

    /// <summary>The saved number, 0 when the file is missing or damaged.</summary>
    internal static long Read(string path)
    {
        try
        {
            byte[] content = File.ReadAllBytes(path);
            if (content.Length < 12 || Crc32.Compute(content.AsSpan(0, 8)) != BinaryPrimitives.ReadUInt32LittleEndian(content.AsSpan(8)))
            {
                return 0;
            }

            return Math.Max(0, BinaryPrimitives.ReadInt64LittleEndian(content));
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return 0;
        }
    }

    /// <summary>Every cursor saved in <paramref name="directory"/> (of exporters configured now or before).</summary>
    internal static IEnumerable<long> ReadAll(string directory)
    {
        foreach (string file in Directory.EnumerateFiles(directory, Prefix + "*" + Extension))
        {
            yield return Read(file);
        }
    }

    /// <summary>Saves <paramref name="number"/> (the name goes after it, for people looking at the folder).</summary>
    internal static void Write(string path, long number, string? name = null)
    {
        Span<byte> head = stackalloc byte[12];
        BinaryPrimitives.WriteInt64LittleEndian(head, number);
        BinaryPrimitives.WriteUInt32LittleEndian(head[8..], Crc32.Compute(head[..8]));
        using var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
        stream.Write(head);
        if (name is not null && stream.Length <= 12)
        {
            stream.Write(Encoding.UTF8.GetBytes(name));
        }
    }
}
