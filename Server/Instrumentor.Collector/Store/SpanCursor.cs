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
        if (!Base64Url.TryDecodeFromChars(text, bytes, out int written) || written != 8 + SpanText.TimestampLength)
        {
            return false;
        }

        string ts = Encoding.UTF8.GetString(bytes, 8, written - 8);
        if (StoreText.ParseTimestamp(ts) == 0 || ts[4] != '-' || ts[10] != ' ')
        {
            return false;
        }

        cursor = new SpanCursor(ts, BinaryPrimitives.ReadInt64BigEndian(bytes));
        return true;
    }
}
