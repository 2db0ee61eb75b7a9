using System;
using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Globalization;
using System.IO;

namespace Instrumentor;

/// <summary>
/// The exporters' outbox when there is no SQLite store (<see cref="MonitoringOptions.DatabasePath"/> = null): a folder
/// of append-only segment files that the writer commits batches to, read by each exporter after its own durable
/// cursor (<see cref="OutboxCursorFile"/>), a segment deleted once every configured exporter has it acknowledged.
/// </summary>
/// <remarks>
/// <para>Every committed span has a number (1, 2, …, like a row id): a segment's header holds the number of its first
/// span, the next ones follow in file order. A segment is <c>[magic][first number]</c>, then frames
/// <c>[int32 length][uint32 crc32][kind][payload]</c>: a span (its stored form, <see cref="SpooledSpan"/>, with its
/// system) or a commit that closes a batch (with the overflow spool's replay checkpoint, if the batch replayed some).
/// A batch is one write; after a crash the spans after the last commit of the newest segment (a torn batch) are cut
/// off when the folder is opened, so a batch is there whole or not at all, as in the SQLite store.</para>
/// <para>Durable against the process dying (the data is in the OS's cache when <see cref="Append"/> returns), as the
/// store is with <c>synchronous = NORMAL</c>; a power loss may lose the last batches.</para>
/// <para>One process per folder: the folder is claimed like the spool (<see cref="SpoolClaim"/>, slots beside it).
/// Thread-safe: the writer appends while exporters read and move their cursors.</para>
/// </remarks>
internal sealed class OutboxSpool : IDisposable
{
    /// <summary>Segments roll over past this size (a deleted segment is the unit of freed disk).</summary>
    internal const long DefaultSegmentBytes = 8L * 1024 * 1024;

    internal const int HeaderSize = 16;
    private const int FrameSize = 8;
    private const int MaxFrameSize = 64 * 1024 * 1024;
    private const byte SpanKind = 1;
    private const byte CommitKind = 2;
    private const string SegmentExtension = ".seg";
    private static readonly byte[] s_magic = "INSTROB1"u8.ToArray();

    private readonly object _lock = new();
    private readonly SpoolClaim _claim;
    private readonly long _segmentBytes;
    private readonly List<Segment> _segments = new();
    private readonly Dictionary<string, long> _checkpoints = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _cursors = new(StringComparer.Ordinal);
    private readonly ArrayBufferWriter<byte> _buffer = new(64 * 1024);
    private readonly HashSet<string> _readers;
    private FileStream? _stream;
    private long _nextNumber;
    private SpoolCheckpoint? _latestCheckpoint;
    private bool _disposed;

    private OutboxSpool(SpoolClaim claim, long segmentBytes, IEnumerable<string> readers)
    {
        _claim = claim;
        Directory = claim.SpoolPath;
        _segmentBytes = segmentBytes;
        _readers = new HashSet<string>(readers, StringComparer.Ordinal);
    }

    /// <summary>The folder this process owns (the requested one, or a free slot beside it).</summary>
    internal string Directory { get; }

    /// <summary>The highest span number committed (0 when nothing is in the outbox and nothing ever was).</summary>
    internal long LastNumber
    {
        get
        {
            lock (_lock)
            {
                return _nextNumber - 1;
            }
        }
    }

    /// <summary>How many segment files the folder holds (tests: acknowledged ones are deleted).</summary>
    internal int SegmentCount
    {
        get
        {
            lock (_lock)
            {
                return _segments.Count;
            }
        }
    }

    /// <summary>
    /// Opens (or creates) the outbox folder <paramref name="requestedDirectory"/>, keeping what an earlier run left.
    /// <paramref name="readers"/> are the exporters' names: a segment is deleted only once all of them acknowledged it.
    /// </summary>
    internal static OutboxSpool Open(string requestedDirectory, IEnumerable<string> readers, long segmentBytes = DefaultSegmentBytes)
    {
        string full = Path.GetFullPath(requestedDirectory);
        if (Path.GetDirectoryName(full) is { Length: > 0 } parent)
        {
            System.IO.Directory.CreateDirectory(parent);
        }

        SpoolClaim claim = SpoolClaim.Take(full);
        try
        {
            System.IO.Directory.CreateDirectory(claim.SpoolPath);
            var outbox = new OutboxSpool(claim, Math.Max(segmentBytes, HeaderSize + 1), readers);
            outbox.Load();
            return outbox;
        }
        catch
        {
            claim.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Commits <paramref name="spans"/> (each tagged with its system) and the replay <paramref name="checkpoint"/> as
    /// one batch: durable when this returns, nothing of it kept when it throws.
    /// </summary>
    internal void Append(IReadOnlyList<(SpooledSpan Span, SystemInfo System)> spans, SpoolCheckpoint? checkpoint)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (spans.Count == 0 && checkpoint is null)
            {
                return;
            }

            Segment segment = WritableSegment();
            _buffer.ResetWrittenCount();
            foreach ((SpooledSpan span, SystemInfo system) in spans)
            {
                AppendFrame(SpanKind, span, system, null, 0);
            }

            AppendFrame(CommitKind, null, null, checkpoint, spans.Count);
            FileStream stream = _stream!;
            long before = segment.Length;
            try
            {
                stream.Position = before;
                stream.Write(_buffer.WrittenSpan);
                stream.Flush(flushToDisk: false);
            }
            catch
            {
                // Nothing of the batch may stay: cut the file back (if even that fails, reopening cuts the torn batch).
                try
                {
                    stream.SetLength(before);
                }
                catch (IOException)
                {
                }

                throw;
            }

            segment.Length = before + _buffer.WrittenCount;
            segment.Count += spans.Count;
            _nextNumber += spans.Count;
            if (checkpoint is { } c)
            {
                _checkpoints[c.FileId] = c.Offset;
                _latestCheckpoint = c;
            }
        }
    }

    /// <summary>The replay checkpoint committed for the overflow spool generation <paramref name="fileId"/>, if any.</summary>
    internal long? ReadCheckpoint(string fileId)
    {
        lock (_lock)
        {
            return _checkpoints.TryGetValue(fileId, out long offset) ? offset : null;
        }
    }

    /// <summary>How many committed spans have a number above <paramref name="after"/>.</summary>
    internal long CountAfter(long after)
    {
        lock (_lock)
        {
            long count = 0;
            foreach (Segment segment in _segments)
            {
                long last = segment.First + segment.Count - 1;
                if (last > after)
                {
                    count += last - Math.Max(after, segment.First - 1);
                }
            }

            return count;
        }
    }

    /// <summary>
    /// At most <paramref name="limit"/> committed spans numbered above <paramref name="after"/>, in order.
    /// <paramref name="hint"/> (where the reader stopped last time) saves rescanning a segment from its start.
    /// </summary>
    internal void Read(long after, int limit, List<(long Number, SpooledSpan Span)> into, ref ReadPosition hint)
    {
        List<Segment> segments;
        lock (_lock)
        {
            segments = _segments.ConvertAll(s => new Segment(s.Path, s.First) { Length = s.Length, Count = s.Count });
        }

        foreach (Segment segment in segments)
        {
            if (into.Count >= limit)
            {
                return;
            }

            if (segment.First + segment.Count - 1 <= after)
            {
                continue;
            }

            long number = segment.First;
            long offset = HeaderSize;
            if (hint.SegmentFirst == segment.First && hint.Number <= after + 1 && hint.Number > number)
            {
                number = hint.Number;
                offset = hint.Offset;
            }

            if (!ReadSegment(segment, after, limit, into, ref number, ref offset))
            {
                continue; // deleted meanwhile (acknowledged by every reader): nothing of it is needed
            }

            hint = new ReadPosition(segment.First, number, offset);
        }
    }

    /// <summary>The durable cursor of the reader <paramref name="name"/> (0 when it never had anything acknowledged).</summary>
    internal long ReadCursor(string name)
    {
        long cursor = OutboxCursorFile.Read(CursorPath(name));
        lock (_lock)
        {
            _cursors[name] = cursor;
        }

        return cursor;
    }

    /// <summary>Moves the cursor of <paramref name="name"/> durably; deletes the segments every reader has acknowledged.</summary>
    internal void SaveCursor(string name, long number)
    {
        OutboxCursorFile.Write(CursorPath(name), number, name);
        lock (_lock)
        {
            _cursors[name] = number;
            DeleteAcknowledged();
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _stream?.Dispose();
            _stream = null;
            _claim.Dispose();
        }
    }

    /// <summary>A segment file: the number of its first span, its committed length and span count.</summary>
    private sealed class Segment(string path, long first)
    {
        internal string Path { get; } = path;

        internal long First { get; } = first;

        internal long Length { get; set; } = HeaderSize;

        internal long Count { get; set; }
    }

    private string CursorPath(string name) => OutboxCursorFile.PathFor(Directory, name);

    /// <summary>Reads every segment: span counts, the last checkpoint; cuts a torn batch off the newest one.</summary>
    private void Load()
    {
        var files = new List<(long First, string Path)>();
        foreach (string file in System.IO.Directory.EnumerateFiles(Directory, "*" + SegmentExtension))
        {
            if (long.TryParse(Path.GetFileNameWithoutExtension(file), NumberStyles.None, CultureInfo.InvariantCulture, out long first))
            {
                files.Add((first, file));
            }
        }

        files.Sort((a, b) => a.First.CompareTo(b.First));
        foreach ((long first, string path) in files)
        {
            var segment = new Segment(path, first);
            if (!Scan(segment))
            {
                continue;
            }

            _segments.Add(segment);
        }

        // Numbers never go back, even when every segment was acknowledged and deleted: a cursor past them would skip
        // new spans. The cursors on disk are the memory of numbers handed out before.
        long next = 1;
        if (_segments.Count > 0)
        {
            Segment last = _segments[^1];
            next = last.First + last.Count;
        }

        foreach (long cursor in OutboxCursorFile.ReadAll(Directory))
        {
            next = Math.Max(next, cursor + 1);
        }

        _nextNumber = next;
        if (_segments.Count > 0)
        {
            Segment last = _segments[^1];
            if (last.First + last.Count == _nextNumber)
            {
                // Continue the newest segment; cut what follows its last commit (a torn batch, never acknowledged).
                _stream = OpenSegmentStream(last.Path);
                if (_stream.Length != last.Length)
                {
                    _stream.SetLength(last.Length);
                }
            }
        }
    }

    /// <summary>Counts the committed spans of <paramref name="segment"/>; <see langword="false"/> for a file that is not a segment.</summary>
    private bool Scan(Segment segment)
    {
        using var stream = new FileStream(segment.Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 16);
        if (stream.Length < HeaderSize)
        {
            // Created, then the process died before its header was written: it never held a span.
            stream.Dispose();
            TryDelete(segment.Path);
            return false;
        }

        if (!TryReadHeader(stream, out long first) || first != segment.First)
        {
            // Not ours, or torn at creation: keep it aside rather than overwrite or delete someone's data.
            stream.Dispose();
            SetAside(segment.Path);
            return false;
        }

        long number = segment.First;
        long pending = 0;
        foreach ((byte kind, ReadOnlyMemory<byte> payload, long next) in Frames(stream, HeaderSize))
        {
            if (kind == SpanKind)
            {
                pending++;
            }
            else
            {
                ReadOnlySpan<byte> commit = payload.Span;
                if (commit.Length >= 5 && commit[4] == 1)
                {
                    ReadOnlySpan<byte> rest = commit[5..];
                    string fileId = ReadString(ref rest);
                    long replayed = BinaryPrimitives.ReadInt64LittleEndian(rest);
                    _checkpoints[fileId] = replayed;
                    _latestCheckpoint = new SpoolCheckpoint(fileId, replayed);
                }

                number += pending;
                pending = 0;
                segment.Length = next;
            }
        }

        segment.Count = number - segment.First;
        return true;
    }

    /// <summary>The frames from <paramref name="offset"/> to the first incomplete or bad one: (kind, payload after it, next offset).</summary>
    private static IEnumerable<(byte Kind, ReadOnlyMemory<byte> Payload, long Next)> Frames(FileStream stream, long offset)
    {
        byte[] frame = new byte[FrameSize];
        byte[] buffer = new byte[4096];
        long end = stream.Length;
        while (offset + FrameSize < end)
        {
            stream.Position = offset;
            stream.ReadExactly(frame);
            int length = BinaryPrimitives.ReadInt32LittleEndian(frame);
            uint crc = BinaryPrimitives.ReadUInt32LittleEndian(frame.AsSpan(4));
            if (length < 1 || length > MaxFrameSize || offset + FrameSize + length > end)
            {
                yield break;
            }

            if (buffer.Length < length)
            {
                buffer = new byte[Math.Max(length, buffer.Length * 2)];
            }

            stream.ReadExactly(buffer, 0, length);
            if (Crc32.Compute(buffer.AsSpan(0, length)) != crc)
            {
                yield break;
            }

            offset += FrameSize + length;
            yield return (buffer[0], buffer.AsMemory(1, length - 1), offset);
        }
    }

    /// <summary>Reads the spans of one segment numbered above <paramref name="after"/>; <see langword="false"/> if it is gone.</summary>
    private static bool ReadSegment(Segment segment, long after, int limit, List<(long Number, SpooledSpan Span)> into, ref long number, ref long offset)
    {
        FileStream stream;
        try
        {
            stream = new FileStream(segment.Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 16);
        }
        catch (FileNotFoundException)
        {
            return false;
        }

        using (stream)
        {
            long last = segment.First + segment.Count - 1;
            foreach ((byte kind, ReadOnlyMemory<byte> payload, long next) in Frames(stream, offset))
            {
                if (next > segment.Length || number > last || into.Count >= limit)
                {
                    break; // past what was committed when the read began (the writer may be appending)
                }

                if (kind == SpanKind)
                {
                    if (number > after)
                    {
                        into.Add((number, SpooledSpan.ReadFrom(payload.Span)));
                    }

                    number++;
                }

                offset = next;
            }
        }

        return true;
    }

    /// <summary>The segment to append to: the newest, or a new one when there is none or it is full.</summary>
    private Segment WritableSegment()
    {
        if (_stream is not null && _segments.Count > 0 && _segments[^1].Length < _segmentBytes)
        {
            return _segments[^1];
        }

        _stream?.Dispose();
        _stream = null;
        string path = Path.Combine(Directory, _nextNumber.ToString("D19", CultureInfo.InvariantCulture) + SegmentExtension);
        FileStream stream = OpenSegmentStream(path);
        try
        {
            Span<byte> header = stackalloc byte[HeaderSize];
            s_magic.CopyTo(header);
            BinaryPrimitives.WriteInt64LittleEndian(header[8..], _nextNumber);
            stream.SetLength(0);
            stream.Write(header);
            if (_latestCheckpoint is { } carried)
            {
                // The older segments (and the checkpoint in them) go once acknowledged: the new one carries it on.
                _buffer.ResetWrittenCount();
                AppendFrame(CommitKind, null, null, carried, 0);
                stream.Write(_buffer.WrittenSpan);
            }

            stream.Flush(flushToDisk: false);
        }
        catch
        {
            stream.Dispose();
            TryDelete(path);
            throw;
        }

        var segment = new Segment(path, _nextNumber) { Length = stream.Length };
        _segments.Add(segment);
        _stream = stream;
        return segment;
    }

    private static FileStream OpenSegmentStream(string path) =>
        new(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);

    private void AppendFrame(byte kind, SpooledSpan? span, SystemInfo? system, SpoolCheckpoint? checkpoint, int count)
    {
        int start = _buffer.WrittenCount;
        _buffer.GetSpan(FrameSize + 1);
        _buffer.Advance(FrameSize);
        _buffer.GetSpan(1)[0] = kind;
        _buffer.Advance(1);
        if (span is not null)
        {
            span.WriteTo(_buffer, system);
        }
        else
        {
            Span<byte> head = _buffer.GetSpan(5);
            BinaryPrimitives.WriteInt32LittleEndian(head, count);
            head[4] = checkpoint is null ? (byte)0 : (byte)1;
            _buffer.Advance(5);
            if (checkpoint is { } c)
            {
                WriteString(c.FileId);
                BinaryPrimitives.WriteInt64LittleEndian(_buffer.GetSpan(8), c.Offset);
                _buffer.Advance(8);
            }
        }

        // The buffer may have moved while growing: write the frame header into its final place.
        Span<byte> frame = System.Runtime.InteropServices.MemoryMarshal.AsMemory(_buffer.WrittenMemory).Span[start..];
        int length = frame.Length - FrameSize;
        BinaryPrimitives.WriteInt32LittleEndian(frame, length);
        BinaryPrimitives.WriteUInt32LittleEndian(frame[4..], Crc32.Compute(frame[FrameSize..]));
    }

    private void WriteString(string value)
    {
        byte[] bytes = System.Text.Encoding.UTF8.GetBytes(value);
        BinaryPrimitives.WriteInt32LittleEndian(_buffer.GetSpan(4), bytes.Length);
        _buffer.Advance(4);
        _buffer.Write(bytes);
    }

    private static string ReadString(ref ReadOnlySpan<byte> rest)
    {
        int length = BinaryPrimitives.ReadInt32LittleEndian(rest);
        string value = System.Text.Encoding.UTF8.GetString(rest.Slice(4, length));
        rest = rest[(4 + length)..];
        return value;
    }

    private static bool TryReadHeader(FileStream stream, out long first)
    {
        first = 0;
        if (stream.Length < HeaderSize)
        {
            return false;
        }

        Span<byte> header = stackalloc byte[HeaderSize];
        stream.Position = 0;
        stream.ReadExactly(header);
        first = BinaryPrimitives.ReadInt64LittleEndian(header[8..]);
        return header[..8].SequenceEqual(s_magic);
    }

    /// <summary>Deletes every segment whose spans all readers acknowledged, except the one being written.</summary>
    private void DeleteAcknowledged()
    {
        long acknowledged = long.MaxValue;
        foreach (string reader in _readers)
        {
            // A reader that has not read its cursor yet holds everything.
            acknowledged = Math.Min(acknowledged, _cursors.TryGetValue(reader, out long cursor) ? cursor : -1);
        }

        // The newest segment always stays: it carries the latest replay checkpoint and where the numbers go on.
        while (_segments.Count > 1)
        {
            Segment oldest = _segments[0];
            if (oldest.First + oldest.Count - 1 > acknowledged)
            {
                return;
            }

            if (!TryDelete(oldest.Path))
            {
                return;
            }

            _segments.RemoveAt(0);
        }
    }

    private static bool TryDelete(string path)
    {
        try
        {
            File.Delete(path);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Tried again after the next acknowledgement.
            return false;
        }
    }

    private static void SetAside(string path)
    {
        string aside = path + ".corrupt-" + DateTime.UtcNow.ToString("yyyyMMddHHmmssfff", CultureInfo.InvariantCulture);
        try
        {
            File.Move(path, aside);
            SelfDiagnostics.Error($"the outbox segment '{path}' is not readable; it was moved to '{aside}'.");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            SelfDiagnostics.Error($"the outbox segment '{path}' is not readable and could not be moved aside: {ex.Message}");
        }
    }
}
