using System;
using System.Buffers.Binary;
using System.Buffers.Text;
using System.Text;

namespace Instrumentor.Collector.Store;

/// <summary>
/// A keyset position in the newest-first order of spans: (start text, row id). Opaque to clients (base64url), so the
/// store may change what it holds without breaking the API.
/// </summary>
internal readonly record struct SpanCursor(string Ts, long RowId)
{
    public string Encode()
    {
        byte[] bytes = new byte[8 + Encoding.UTF8.GetByteCount(Ts)];
        BinaryPrimitives.WriteInt64BigEndian(bytes, RowId);
        Encoding.UTF8.GetBytes(Ts, bytes.AsSpan(8));
        return Base64Url.EncodeToString(bytes);
    }

    public static bool TryDecode(string text, out SpanCursor cursor)
    {
        cursor = default;
        if (text.Length > 200)
        {
            return false;
        }

        byte[] bytes = new byte[Base64Url.GetMaxDecodedLength(text.Length)];
        // The Try… method throws on characters outside the alphabet; the OperationStatus one reports them.
        if (Base64Url.DecodeFromChars(text, bytes, out _, out int written) != System.Buffers.OperationStatus.Done || written != 8 + SpanText.TimestampLength)
        {
            return false;
        }

        string ts = Encoding.UTF8.GetString(bytes, 8, written - 8);
        if (!StoreText.IsTimestamp(ts))
        {
            return false;
        }

        cursor = new SpanCursor(ts, BinaryPrimitives.ReadInt64BigEndian(bytes));
        return true;
    }
}
