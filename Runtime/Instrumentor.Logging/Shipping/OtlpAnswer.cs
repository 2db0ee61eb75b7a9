using System;

namespace Instrumentor.Logging;

/// <summary>
/// Reads the one number the exporter needs from an OTLP <c>ExportLogsServiceResponse</c> (protobuf):
/// <c>partial_success</c> (field 1) <c>.rejected_log_records</c> (field 1, int64). An empty answer is full success.
/// </summary>
internal static class OtlpAnswer
{
    private const int PartialSuccess = 1;       // ExportLogsServiceResponse.partial_success
    private const int RejectedLogRecords = 1;   // ExportLogsPartialSuccess.rejected_log_records

    /// <summary>The records the receiver refused; 0 for an empty or unreadable answer (a 2xx is a commit whatever its body says).</summary>
    internal static long RejectedRecords(ReadOnlySpan<byte> response)
    {
        try
        {
            ReadOnlySpan<byte> partial = Field(response, PartialSuccess, wireType: 2);
            return partial.IsEmpty ? 0 : Math.Max(0, (long)Varint(Field(partial, RejectedLogRecords, wireType: 0, out bool found), found));
        }
        catch (FormatException)
        {
            return 0;
        }
    }

    private static ReadOnlySpan<byte> Field(ReadOnlySpan<byte> message, int field, int wireType) => Field(message, field, wireType, out _);

    // The bytes of the last occurrence of the field (a varint's own bytes, or a length-delimited field's content).
    private static ReadOnlySpan<byte> Field(ReadOnlySpan<byte> message, int field, int wireType, out bool found)
    {
        found = false;
        ReadOnlySpan<byte> value = default;
        int i = 0;
        while (i < message.Length)
        {
            ulong tag = ReadVarint(message, ref i);
            int type = (int)(tag & 7);
            int start = i;
            switch (type)
            {
                case 0:
                    ReadVarint(message, ref i);
                    break;
                case 1:
                    i += 8;
                    break;
                case 2:
                    ulong length = ReadVarint(message, ref i);
                    start = i;
                    i += length > (ulong)(message.Length - i) ? throw new FormatException("truncated field") : (int)length;
                    break;
                case 5:
                    i += 4;
                    break;
                default:
                    throw new FormatException($"wire type {type}");
            }

            if (i > message.Length)
            {
                throw new FormatException("truncated field");
            }

            if ((int)(tag >> 3) == field && type == wireType)
            {
                value = message[start..i];
                found = true;
            }
        }

        return value;
    }

    private static ulong Varint(ReadOnlySpan<byte> bytes, bool found)
    {
        int i = 0;
        return found ? ReadVarint(bytes, ref i) : 0;
    }

    private static ulong ReadVarint(ReadOnlySpan<byte> bytes, ref int i)
    {
        ulong value = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            if (i >= bytes.Length)
            {
                throw new FormatException("truncated varint");
            }

            byte b = bytes[i++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }

        throw new FormatException("varint too long");
    }
}
