namespace Instrumentor.Runtime;

/// <summary>How a <see cref="CapturedValue"/> holds its value; decides how the writer formats it.</summary>
internal enum CaptureKind : byte
{
    /// <summary>No value captured (an unused slot).</summary>
    None = 0,
    /// <summary>A null reference.</summary>
    Null,
    /// <summary>A bool in <c>Bits</c>.</summary>
    Boolean,
    /// <summary>A char in <c>Bits</c>.</summary>
    Char,
    /// <summary>A signed integer in <c>Bits</c>.</summary>
    Int64,
    /// <summary>An unsigned integer in <c>Bits</c>.</summary>
    UInt64,
    /// <summary>A float widened to double, bits in <c>Bits</c>.</summary>
    Single,
    /// <summary>A double, bits in <c>Bits</c>.</summary>
    Double,
    /// <summary>A decimal in <c>Bits</c> and <c>Bits2</c>.</summary>
    Decimal,
    /// <summary>A DateTime, <see cref="System.DateTime.ToBinary"/> in <c>Bits</c>.</summary>
    DateTime,
    /// <summary>A DateTimeOffset: UTC ticks in <c>Bits</c>, offset minutes in <c>Bits2</c>.</summary>
    DateTimeOffset,
    /// <summary>A TimeSpan, ticks in <c>Bits</c>.</summary>
    TimeSpan,
    /// <summary>A Guid in <c>Bits</c> and <c>Bits2</c>.</summary>
    Guid,
    /// <summary>A string reference, truncated when formatted.</summary>
    String,
    /// <summary>Text fixed at capture time (type name, mask), stored as is.</summary>
    Text,
    /// <summary>A collection: display name in <c>Reference</c>, count in <c>Bits</c>.</summary>
    Count,
    /// <summary>An array or span: display name in <c>Reference</c>, length in <c>Bits</c>.</summary>
    Length,
    /// <summary>Formatted on the writer thread by the <c>ICapturedFormatter</c> in <c>Reference</c>.</summary>
    Formatted,
}
