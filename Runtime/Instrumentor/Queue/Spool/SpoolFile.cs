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
/// kept aside for inspection, never deleted. Appends gather in memory and reach the file by <see cref="Flush"/> (the
/// spooler's, after each run of moves) or once <see cref="FlushBytes"/> gathered: one write for many records instead
/// of one each, and what a SIGKILL can take is at most that much (the kernel keeps what was written).
/// </summary>
internal sealed class SpoolFile : IDisposable
{
    internal const int HeaderSize = 24;
    private const int FrameSize = 8;
    private const int MaxRecordSize = 64 * 1024 * 1024;

    /// <summary>Appended bytes that reach the file at once, without waiting for <see cref="Flush"/>.</summary>
    internal const int FlushBytes = 64 * 1024;
    private static readonly byte[] s_magic = "INSTRSP1"u8.ToArray();

    private readonly object _lock = new();
    private readonly ArrayBufferWriter<byte> _payload = new(4096);
    // Framed records appended but not written to the file yet.
    private readonly ArrayBufferWriter<byte> _pending = new(FlushBytes * 2);
    private readonly SpoolClaim _claim;
    private FileStream _stream;
    private long _length;
    private long _readable;
    private int _pendingRecords;

    private SpoolFile(SpoolClaim claim, FileStream stream, string fileId, long length)
    {
        _claim = claim;
        Path = claim.SpoolPath;
        _stream = stream;
        FileId = fileId;
        _length = length;
        _readable = length;
    }

    internal string Path { get; }

    /// <summary>Identifies this generation of the file (a reset starts a new one).</summary>
    internal string FileId { get; private set; }

    /// <summary>Bytes appended so far, header included (some may still wait for <see cref="Flush"/>).</summary>
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

    /// <summary>Records appended that the file does not hold yet (a flush failed, or none came yet).</summary>
    internal int PendingRecords
    {
        get
        {
            lock (_lock)
            {
                return _pendingRecords;
            }
        }
    }

    /// <summary>Bytes in the file, that a reader can read.</summary>
    internal long ReadableLength
    {
        get
        {
            lock (_lock)
            {
                return _readable;
            }
        }
    }

    /// <summary>Whether records a reader can read are waiting beyond <paramref name="offset"/>.</summary>
    internal bool HasDataAfter(long offset) => ReadableLength > Math.Max(offset, HeaderSize);

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

    /// <summary>
    /// Appends one record; returns the offset just past it. <paramref name="now"/> writes it to the file at once (error
    /// records: a process kill must not take them). Throws when the disk refuses, and then the record is not appended
    /// (records appended before stay pending for the next flush).
    /// </summary>
    internal long Append(SpooledSpan span, bool now = false)
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
            if (_pending.WrittenCount > 0 && _pending.WrittenCount + _payload.WrittenCount > FlushBytes)
            {
                WritePending();
            }

            _pending.Write(_payload.WrittenSpan);
            _length += _payload.WrittenCount;
            _pendingRecords++;
            if (now)
            {
                try
                {
                    WritePending();
                }
                catch (Exception)
                {
                    // Appended all the same (it is pending, and counted): the next flush writes it.
                }
            }

            return _length;
        }
    }

    /// <summary>Forgets the records a failed flush left pending (the caller counts them as lost).</summary>
    internal void DiscardPending()
    {
        lock (_lock)
        {
            _length = _readable;
            _pending.ResetWrittenCount();
            _pendingRecords = 0;
        }
    }

    /// <summary>Writes the appended records to the file (the OS's cache: a process kill keeps them), for readers.</summary>
    internal void Flush()
    {
        lock (_lock)
        {
            WritePending();
        }
    }

    // Under _lock. If the write fails, the records stay pending and the next flush tries again; the caller sees the
    // exception (the spooler then keeps later records in memory).
    private void WritePending()
    {
        if (_pending.WrittenCount == 0)
        {
            return;
        }

        _stream.Position = _readable;
        _stream.Write(_pending.WrittenSpan);
        _stream.Flush(flushToDisk: false);
        _readable += _pending.WrittenCount;
        _pending.ResetWrittenCount();
        _pendingRecords = 0;
    }

    /// <summary>
    /// Reads up to <paramref name="max"/> records from <paramref name="offset"/>. Stops quietly at an incomplete
    /// tail; sets <paramref name="corruptAt"/> when a complete record fails its checksum or cannot be parsed.
    /// </summary>
    internal void Read(long offset, int max, List<SpooledSpan> into, out long corruptAt)
    {
        corruptAt = -1;
        long end = ReadableLength;
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
            // Gathered records are not in the file yet, so nobody replayed them.
            if (replayedUpTo < _length || _pendingRecords > 0)
            {
                return false;
            }

            _stream.SetLength(0);
            FileId = WriteHeader(_stream);
            _length = _readable = HeaderSize;
            return true;
        }
    }

    /// <summary>Moves a corrupt file aside (kept for inspection) and starts a new generation.</summary>
    internal string SetAsideCorrupt()
    {
        lock (_lock)
        {
            string aside = Path + ".corrupt-" + DateTime.UtcNow.ToString("yyyyMMddHHmmssfff", System.Globalization.CultureInfo.InvariantCulture);
            TryWritePending();
            _stream.Dispose();
            File.Move(Path, aside);
            _stream = new FileStream(Path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
            FileId = WriteHeader(_stream);
            _length = _readable = HeaderSize;
            _pending.ResetWrittenCount();
            _pendingRecords = 0;
            return aside;
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            TryWritePending();
            _stream.Dispose();
            _claim.Dispose();
        }
    }

    private void TryWritePending()
    {
        int records = _pendingRecords;
        try
        {
            WritePending();
        }
        catch (Exception ex)
        {
            // The spooler counts them as lost before the pipeline closes the spool (Spooler.FlushOrCountLost); this is
            // the last resort of a spool closed another way.
            SelfDiagnostics.Error($"{records} spooled trace records could not be written to '{Path}' before it was closed: {RecordText.Describe(ex)}");
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
