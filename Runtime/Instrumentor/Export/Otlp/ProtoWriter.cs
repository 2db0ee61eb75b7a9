using System;
using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Text;

namespace Instrumentor.Export.Otlp;

/// <summary>
/// A minimal protocol buffers writer (the binary wire format: varints, fixed64, length-delimited fields), enough
/// for the OTLP messages the exporters send (spans here, log records in Instrumentor.Logging), so the runtime needs
/// no protobuf library. A nested message is written into a buffer of its own depth first, then copied into its
/// parent behind its length.
/// </summary>
internal sealed class ProtoWriter
{
    private const int Varint = 0;
    private const int Fixed64Type = 1;
    private const int LengthDelimited = 2;

    private readonly List<ArrayBufferWriter<byte>> _levels = [new ArrayBufferWriter<byte>(4096)];
    private int _depth;

    private ArrayBufferWriter<byte> Current => _levels[_depth];

    /// <summary>Starts a new top-level message (the previous one's bytes are dropped).</summary>
    public void Reset()
    {
        _depth = 0;
        _levels[0].ResetWrittenCount();
    }

    /// <summary>The top-level message written so far.</summary>
    public byte[] ToArray() => _depth == 0 ? _levels[0].WrittenSpan.ToArray() : throw new InvalidOperationException("a nested message is still open");

    /// <summary>Opens a nested message as field <paramref name="field"/>; close it with <see cref="EndMessage"/>.</summary>
    public void BeginMessage(int field)
    {
        Tag(field, LengthDelimited);
        _depth++;
        if (_levels.Count == _depth)
        {
            _levels.Add(new ArrayBufferWriter<byte>(1024));
        }

        _levels[_depth].ResetWrittenCount();
    }

    public void EndMessage()
    {
        ReadOnlySpan<byte> nested = _levels[_depth].WrittenSpan;
        _depth--;
        WriteVarint((ulong)nested.Length);
        Current.Write(nested);
    }

    /// <summary>A string field; an empty one is the default and left out unless <paramref name="always"/>.</summary>
    public void String(int field, string? value, bool always = false)
    {
        if (value is null || (value.Length == 0 && !always))
        {
            return;
        }

        Tag(field, LengthDelimited);
        int length = Encoding.UTF8.GetByteCount(value);
        WriteVarint((ulong)length);
        Span<byte> target = Current.GetSpan(length);
        Encoding.UTF8.GetBytes(value, target);
        Current.Advance(length);
    }

    /// <summary>A big-endian id of <paramref name="high"/> then <paramref name="low"/> (16 bytes) as a bytes field.</summary>
    public void Id128(int field, ulong high, ulong low)
    {
        Tag(field, LengthDelimited);
        WriteVarint(16);
        Span<byte> target = Current.GetSpan(16);
        BinaryPrimitives.WriteUInt64BigEndian(target, high);
        BinaryPrimitives.WriteUInt64BigEndian(target[8..], low);
        Current.Advance(16);
    }

    /// <summary>A big-endian 8-byte id as a bytes field.</summary>
    public void Id64(int field, ulong id)
    {
        Tag(field, LengthDelimited);
        WriteVarint(8);
        Span<byte> target = Current.GetSpan(8);
        BinaryPrimitives.WriteUInt64BigEndian(target, id);
        Current.Advance(8);
    }

    /// <summary>An int64, int32, enum or bool field (varint; zero is the default and not written).</summary>
    public void Int(int field, long value)
    {
        if (value == 0)
        {
            return;
        }

        Tag(field, Varint);
        WriteVarint((ulong)value);
    }

    /// <summary>A fixed64 field (OTLP's times in nanoseconds since the Unix epoch).</summary>
    public void Fixed64(int field, ulong value)
    {
        if (value == 0)
        {
            return;
        }

        Tag(field, Fixed64Type);
        Span<byte> target = Current.GetSpan(8);
        BinaryPrimitives.WriteUInt64LittleEndian(target, value);
        Current.Advance(8);
    }

    /// <summary>A double field (fixed64 wire type), written whatever its value: it is one case of a oneof (AnyValue).</summary>
    public void Double(int field, double value)
    {
        Tag(field, Fixed64Type);
        Span<byte> target = Current.GetSpan(8);
        BinaryPrimitives.WriteDoubleLittleEndian(target, value);
        Current.Advance(8);
    }

    /// <summary>A varint field written whatever its value (a case of a oneof: <c>false</c> and <c>0</c> are values there).</summary>
    public void IntAlways(int field, long value)
    {
        Tag(field, Varint);
        WriteVarint((ulong)value);
    }

    /// <summary>A field of an empty nested message (an empty AnyValue is OTLP's null).</summary>
    public void Empty(int field)
    {
        Tag(field, LengthDelimited);
        WriteVarint(0);
    }

    private void Tag(int field, int wireType) => WriteVarint(((ulong)field << 3) | (uint)wireType);

    private void WriteVarint(ulong value)
    {
        Span<byte> target = Current.GetSpan(10);
        int i = 0;
        while (value >= 0x80)
        {
            target[i++] = (byte)(value | 0x80);
            value >>= 7;
        }

        target[i++] = (byte)value;
        Current.Advance(i);
    }
}
