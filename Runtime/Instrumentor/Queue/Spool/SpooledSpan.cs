using System;
using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Instrumentor;

/// <summary>
/// A span in its stored form (times absolute, values already formatted): what the spool file holds, so a record
/// written to disk by one process can be replayed by another.
/// </summary>
internal sealed class SpooledSpan
{
    internal long StartUnixMicroseconds;
    internal ulong TraceHigh;
    internal ulong TraceLow;
    internal ulong SpanId;
    internal ulong ParentSpanId;
    internal SpanStatus Status;
    /// <summary>-1 when not measured.</summary>
    internal long DurationNanoseconds;
    internal int ThreadId;
    internal string Process = "";
    internal string? ProcessGroup;
    internal byte[]? DataUtf8;
    internal string? Exception;
    /// <summary>The system of a <see cref="Monitoring.BeginSystem"/> scope; null: the writing process's own.</summary>
    internal SystemInfo? ScopedSystem;

    /// <summary>Where the record starts in the spool file (set when read back).</summary>
    internal long Offset;

    /// <summary>Where the next record starts (set when read back).</summary>
    internal long NextOffset;

    /// <summary>Formats a queued record into its stored form.</summary>
    internal static SpooledSpan From(in SpanRecord record, SpanDataJson json)
    {
        if (record.Spooled is { } already)
        {
            return already;
        }

        byte[]? data = Data(record, json);
        return new SpooledSpan
        {
            StartUnixMicroseconds = TimestampClock.ToUnixMicroseconds(record.StartTimestamp),
            TraceHigh = record.TraceHigh,
            TraceLow = record.TraceLow,
            SpanId = record.SpanId,
            ParentSpanId = record.ParentSpanId,
            Status = record.Status,
            DurationNanoseconds = record.EndTimestamp == 0 ? -1 : Math.Max(1, TimestampClock.ToNanoseconds(record.StartTimestamp, record.EndTimestamp)),
            ThreadId = record.ThreadId,
            Process = record.Site!.Process,
            ProcessGroup = record.Site.ProcessGroup,
            DataUtf8 = data,
            Exception = RecordText.Exception(record.Exception),
            ScopedSystem = record.ScopedSystem,
        };
    }

    /// <summary>
    /// The captured values as stored JSON. Each value is already guarded by its formatter; this guards the record as
    /// a whole, so that whatever still fails costs the values (replaced by a placeholder), never the record.
    /// </summary>
    private static byte[]? Data(in SpanRecord record, SpanDataJson json)
    {
        try
        {
            ReadOnlySpan<byte> data = json.Write(record);
            return data.IsEmpty ? null : data.ToArray();
        }
        catch (Exception ex)
        {
            string placeholder = JsonString(RecordText.Unformattable("values", ex));
            return Encoding.UTF8.GetBytes("[{\"n\":\"data\",\"v\":" + placeholder + "}]");
        }
    }

    private static string JsonString(string text) =>
        "\"" + System.Text.Encodings.Web.JavaScriptEncoder.Default.Encode(text) + "\"";

    /// <summary>Writes the payload (without length and checksum).</summary>
    internal void WriteTo(ArrayBufferWriter<byte> buffer) => WriteTo(buffer, ScopedSystem);

    /// <summary>Writes the payload with <paramref name="system"/> as its system (the outbox keeps every span's).</summary>
    internal void WriteTo(ArrayBufferWriter<byte> buffer, SystemInfo? system)
    {
        Span<byte> fixedPart = buffer.GetSpan(53);
        BinaryPrimitives.WriteInt64LittleEndian(fixedPart, StartUnixMicroseconds);
        BinaryPrimitives.WriteUInt64LittleEndian(fixedPart[8..], TraceHigh);
        BinaryPrimitives.WriteUInt64LittleEndian(fixedPart[16..], TraceLow);
        BinaryPrimitives.WriteUInt64LittleEndian(fixedPart[24..], SpanId);
        BinaryPrimitives.WriteUInt64LittleEndian(fixedPart[32..], ParentSpanId);
        fixedPart[40] = (byte)Status;
        BinaryPrimitives.WriteInt64LittleEndian(fixedPart[41..], DurationNanoseconds);
        BinaryPrimitives.WriteInt32LittleEndian(fixedPart[49..], ThreadId);
        buffer.Advance(53);
        WriteString(buffer, Process);
        WriteString(buffer, ProcessGroup);
        WriteBytes(buffer, DataUtf8);
        WriteString(buffer, Exception);
        if (system is not null)
        {
            // An optional trailer: records of files written before it simply end after the exception.
            WriteString(buffer, system.SystemName);
            WriteString(buffer, system.SystemId);
            WriteString(buffer, system.SystemInstanceId);
        }
    }

    /// <summary>Reads a payload written by <see cref="WriteTo(ArrayBufferWriter{byte}, SystemInfo?)"/>; throws <see cref="FormatException"/> if malformed.</summary>
    internal static SpooledSpan ReadFrom(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < 53)
        {
            throw new FormatException("spool record too short");
        }

        var span = new SpooledSpan
        {
            StartUnixMicroseconds = BinaryPrimitives.ReadInt64LittleEndian(payload),
            TraceHigh = BinaryPrimitives.ReadUInt64LittleEndian(payload[8..]),
            TraceLow = BinaryPrimitives.ReadUInt64LittleEndian(payload[16..]),
            SpanId = BinaryPrimitives.ReadUInt64LittleEndian(payload[24..]),
            ParentSpanId = BinaryPrimitives.ReadUInt64LittleEndian(payload[32..]),
            Status = (SpanStatus)payload[40],
            DurationNanoseconds = BinaryPrimitives.ReadInt64LittleEndian(payload[41..]),
            ThreadId = BinaryPrimitives.ReadInt32LittleEndian(payload[49..]),
        };
        ReadOnlySpan<byte> rest = payload[53..];
        span.Process = ReadString(ref rest) ?? throw new FormatException("spool record without process");
        span.ProcessGroup = ReadString(ref rest);
        span.DataUtf8 = ReadBytes(ref rest);
        span.Exception = ReadString(ref rest);
        if (!rest.IsEmpty)
        {
            string name = ReadString(ref rest) ?? throw new FormatException("spool record system without name");
            string id = ReadString(ref rest) ?? throw new FormatException("spool record system without id");
            string instance = ReadString(ref rest) ?? throw new FormatException("spool record system without instance");
            span.ScopedSystem = new SystemInfo(name, id, instance);
        }

        return span;
    }

    private static void WriteString(ArrayBufferWriter<byte> buffer, string? value) =>
        WriteBytes(buffer, value is null ? null : Encoding.UTF8.GetBytes(value));

    private static void WriteBytes(ArrayBufferWriter<byte> buffer, byte[]? value)
    {
        Span<byte> length = buffer.GetSpan(4);
        BinaryPrimitives.WriteInt32LittleEndian(length, value?.Length ?? -1);
        buffer.Advance(4);
        if (value is not null)
        {
            buffer.Write(value);
        }
    }

    private static string? ReadString(ref ReadOnlySpan<byte> rest)
    {
        byte[]? bytes = ReadBytes(ref rest);
        return bytes is null ? null : Encoding.UTF8.GetString(bytes);
    }

    private static byte[]? ReadBytes(ref ReadOnlySpan<byte> rest)
    {
        if (rest.Length < 4)
        {
            throw new FormatException("spool record truncated");
        }

        int length = BinaryPrimitives.ReadInt32LittleEndian(rest);
        rest = rest[4..];
        if (length == -1)
        {
            return null;
        }

        if (length < 0 || length > rest.Length)
        {
            throw new FormatException("spool record field length out of range");
        }

        byte[] value = rest[..length].ToArray();
        rest = rest[length..];
        return value;
    }
}
