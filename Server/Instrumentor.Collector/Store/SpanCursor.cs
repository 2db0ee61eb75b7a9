using System;
using System.Buffers.Binary;
using System.Buffers.Text;

namespace Instrumentor.Collector.Store;

/// <summary>
/// A keyset position in the newest-first order of spans: (start µs, row id). Opaque to clients (base64url of 16 bytes),
/// so the store may change what it holds without breaking the API.
/// </summary>
internal readonly record struct SpanCursor(long StartMicroseconds, long RowId)
{
    public string Encode()
    {
        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteInt64BigEndian(bytes, StartMicroseconds);
        BinaryPrimitives.WriteInt64BigEndian(bytes[8..], RowId);
        return Base64Url.EncodeToString(bytes);
    }

    public static bool TryDecode(string text, out SpanCursor cursor)
    {
        cursor = default;
        Span<byte> bytes = stackalloc byte[16];
        if (text.Length != 22 || !Base64Url.TryDecodeFromChars(text, bytes, out int written) || written != 16)
        {
            return false;
        }

        cursor = new SpanCursor(BinaryPrimitives.ReadInt64BigEndian(bytes), BinaryPrimitives.ReadInt64BigEndian(bytes[8..]));
        return true;
    }
}
