using System;
using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;

namespace Instrumentor;

/// <summary>
/// The append-only overflow file: a header (magic + file id), then records framed as
/// <c>[int32 length][uint32 crc32][payload]</c>. Appends come from the spooler thread, reads from the writer.
/// A torn tail (crash mid-append) is ignored; a bad record in the middle stops the replay there and the file is
/// kept aside for inspection, never deleted.
/// </summary>
internal sealed class SpoolFile : IDisposable
{
    internal const int HeaderSize = 24;
    private const int FrameSize = 8;
    private const int MaxRecordSize = 64 * 1024 * 1024;
    private static readonly byte[] s_magic = "INSTRSP1"u8.ToArray();

    private readonly object _lock = new();
    private readonly ArrayBufferWriter<byte> _payload = new(4096);
    private readonly SpoolClaim _claim;
    private FileStream _stream;
    private long _length;

    private SpoolFile(SpoolClaim claim, FileStream stream, string fileId, long length)
    {
        _claim = claim;
        Path = claim.SpoolPath;
        _stream = stream;
        FileId = fileId;
        _length = length;
    }

    internal string Path { get; }

    /// <summary>Identifies this generation of the file (a reset starts a new one).</summary>
    internal string FileId { get; private set; }

    /// <summary>Bytes written so far, header included.</summary>
    internal long Length
    {
        get
        {
            lock (_lock)
            {
                return _length;
            }
        }
    }

    /// <summary>Whether records are waiting beyond <paramref name="offset"/>.</summary>
    internal bool HasDataAfter(long offset) => Length > Math.Max(offset, HeaderSize);

    /// <summary>
    /// Opens the spool at <paramref name="requestedPath"/>, keeping its records, or creates it. When another process
    /// owns that file, the first free slot beside it is used instead (<see cref="SpoolClaim"/>, and <see cref="Path"/>).
    /// </summary>
    internal static SpoolFile Open(string requestedPath)
    {
        string? directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(requestedPath));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        SpoolClaim claim = SpoolClaim.Take(requestedPath);
        string path = claim.SpoolPath;
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
        }
        catch
        {
            claim.Dispose();
            throw;
        }

        try
        {
            if (stream.Length >= HeaderSize && TryReadHeader(stream, out string fileId))
            {
                return new SpoolFile(claim, stream, fileId, stream.Length);
            }

            if (stream.Length > 0)
            {
                // Not a spool file we can read: keep it aside rather than overwrite someone's data.
                stream.Dispose();
                string aside = path + ".corrupt-" + DateTime.UtcNow.ToString("yyyyMMddHHmmss", System.Globalization.CultureInfo.InvariantCulture);
                File.Move(path, aside);
                SelfDiagnostics.Error($"the spool file '{path}' has an unknown header; it was moved to '{aside}' and a new spool was started.");
                stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
            }

            string newId = WriteHeader(stream);
            return new SpoolFile(claim, stream, newId, HeaderSize);
        }
        catch
        {
            stream.Dispose();
            claim.Dispose();
            throw;
        }
    }

    /// <summary>Appends one record; returns the offset just past it.</summary>
    internal long Append(SpooledSpan span)
    {
        lock (_lock)
        {
            _payload.ResetWrittenCount();
            _payload.GetSpan(FrameSize);
            _payload.Advance(FrameSize);
            span.WriteTo(_payload);
            Span<byte> frame = MemoryMarshalFrame();
            int payloadLength = _payload.WrittenCount - FrameSize;
            BinaryPrimitives.WriteInt32LittleEndian(frame, payloadLength);
            BinaryPrimitives.WriteUInt32LittleEndian(frame[4..], Crc32.Compute(_payload.WrittenSpan[FrameSize..]));
            _stream.Position = _length;
            _stream.Write(_payload.WrittenSpan);
            _stream.Flush(flushToDisk: false);
            _length += _payload.WrittenCount;
            return _length;
        }
    }

    /// <summary>
    /// Reads up to <paramref name="max"/> records from <paramref name="offset"/>. Stops quietly at an incomplete
    /// tail; sets <paramref name="corruptAt"/> when a complete record fails its checksum or cannot be parsed.
    /// </summary>
    internal void Read(long offset, int max, List<SpooledSpan> into, out long corruptAt)
    {
        corruptAt = -1;
        long end = Length;
        offset = Math.Max(offset, HeaderSize);
        using var reader = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        Span<byte> frame = stackalloc byte[FrameSize];
        byte[] buffer = ArrayPool<byte>.Shared.Rent(4096);
        try
        {
            while (into.Count < max && offset + FrameSize <= end)
            {
                reader.Position = offset;
                reader.ReadExactly(frame);
                int length = BinaryPrimitives.ReadInt32LittleEndian(frame);
                uint crc = BinaryPrimitives.ReadUInt32LittleEndian(frame[4..]);
                if (length < 0 || length > MaxRecordSize)
                {
                    corruptAt = offset;
                    return;
                }

                if (offset + FrameSize + length > end)
                {
                    return; // torn tail: the append never completed
                }

                if (buffer.Length < length)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = ArrayPool<byte>.Shared.Rent(length);
                }

                Span<byte> payload = buffer.AsSpan(0, length);
                reader.ReadExactly(payload);
                if (Crc32.Compute(payload) != crc)
                {
                    corruptAt = offset;
                    return;
                }

                SpooledSpan span;
                try
                {
                    span = SpooledSpan.ReadFrom(payload);
                }
                catch (FormatException)
                {
                    corruptAt = offset;
                    return;
                }

                span.Offset = offset;
                offset += FrameSize + length;
                span.NextOffset = offset;
                into.Add(span);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Starts a new, empty generation if everything up to the end was replayed.</summary>
    internal bool TryReset(long replayedUpTo)
    {
        lock (_lock)
        {
            if (replayedUpTo < _length)
            {
                return false;
            }

            _stream.SetLength(0);
            FileId = WriteHeader(_stream);
            _length = HeaderSize;
            return true;
        }
    }

    /// <summary>Moves a corrupt file aside (kept for inspection) and starts a new generation.</summary>
    internal string SetAsideCorrupt()
    {
        lock (_lock)
        {
            string aside = Path + ".corrupt-" + DateTime.UtcNow.ToString("yyyyMMddHHmmssfff", System.Globalization.CultureInfo.InvariantCulture);
            _stream.Dispose();
            File.Move(Path, aside);
            _stream = new FileStream(Path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
            FileId = WriteHeader(_stream);
            _length = HeaderSize;
            return aside;
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _stream.Dispose();
            _claim.Dispose();
        }
    }

    private Span<byte> MemoryMarshalFrame() =>
        System.Runtime.InteropServices.MemoryMarshal.AsMemory(_payload.WrittenMemory).Span[..FrameSize];

    private static bool TryReadHeader(FileStream stream, out string fileId)
    {
        Span<byte> header = stackalloc byte[HeaderSize];
        stream.Position = 0;
        stream.ReadExactly(header);
        fileId = new Guid(header[8..]).ToString("N");
        return header[..8].SequenceEqual(s_magic);
    }

    private static string WriteHeader(FileStream stream)
    {
        var id = Guid.NewGuid();
        Span<byte> header = stackalloc byte[HeaderSize];
        s_magic.CopyTo(header);
        id.TryWriteBytes(header[8..]);
        stream.Position = 0;
        stream.Write(header);
        stream.Flush(flushToDisk: true);
        return id.ToString("N");
    }
}
