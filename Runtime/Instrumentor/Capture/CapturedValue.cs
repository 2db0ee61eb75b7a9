using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;

namespace Instrumentor.Runtime;

/// <summary>
/// One captured argument or result, held without allocation: primitives by value, strings by reference.
/// Turning it into text happens later, on the writer thread (<see cref="CapturedValueFormatter"/>).
/// The generator picks the factory for each parameter from its static type at compile time.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct CapturedValue
{
    internal readonly object? Reference;
    internal readonly long Bits;
    internal readonly long Bits2;
    internal readonly CaptureKind Kind;

    private CapturedValue(CaptureKind kind, long bits, long bits2 = 0, object? reference = null)
    {
        Kind = kind;
        Bits = bits;
        Bits2 = bits2;
        Reference = reference;
    }

    /// <summary>The value stored for sensitive data.</summary>
    public const string MaskText = "***";

    /// <summary>A masked value: stored as <c>"***"</c>.</summary>
    public static CapturedValue Masked => new(CaptureKind.Text, 0, 0, MaskText);

    /// <summary>A null reference.</summary>
    public static CapturedValue Null => new(CaptureKind.Null, 0);

    /// <summary>Records that capturing a value failed: stored as <c>"&lt;error: message&gt;"</c>.</summary>
    public static CapturedValue FromError(Exception error) => new(CaptureKind.Text, 0, 0, "<error: " + error?.Message + ">");

    /// <summary>Captures a bool.</summary>
    public static CapturedValue FromBoolean(bool value) => new(CaptureKind.Boolean, value ? 1 : 0);

    /// <summary>Captures a char.</summary>
    public static CapturedValue FromChar(char value) => new(CaptureKind.Char, value);

    /// <summary>Captures any signed integer up to 64 bits.</summary>
    public static CapturedValue FromInt64(long value) => new(CaptureKind.Int64, value);

    /// <summary>Captures any unsigned integer up to 64 bits.</summary>
    public static CapturedValue FromUInt64(ulong value) => new(CaptureKind.UInt64, unchecked((long)value));

    /// <summary>Captures a float.</summary>
    public static CapturedValue FromSingle(float value) => new(CaptureKind.Single, BitConverter.DoubleToInt64Bits(value));

    /// <summary>Captures a double.</summary>
    public static CapturedValue FromDouble(double value) => new(CaptureKind.Double, BitConverter.DoubleToInt64Bits(value));

    /// <summary>Captures a decimal.</summary>
    public static CapturedValue FromDecimal(decimal value)
    {
        ref long low = ref Unsafe.As<decimal, long>(ref value);
        return new(CaptureKind.Decimal, low, Unsafe.Add(ref low, 1));
    }

    /// <summary>Captures a DateTime (kind preserved).</summary>
    public static CapturedValue FromDateTime(DateTime value) => new(CaptureKind.DateTime, value.ToBinary());

    /// <summary>Captures a DateTimeOffset.</summary>
    public static CapturedValue FromDateTimeOffset(DateTimeOffset value) =>
        new(CaptureKind.DateTimeOffset, value.UtcTicks, (long)value.Offset.TotalMinutes);

    /// <summary>Captures a TimeSpan.</summary>
    public static CapturedValue FromTimeSpan(TimeSpan value) => new(CaptureKind.TimeSpan, value.Ticks);

    /// <summary>Captures a Guid.</summary>
    public static CapturedValue FromGuid(Guid value)
    {
        ref long low = ref Unsafe.As<Guid, long>(ref value);
        return new(CaptureKind.Guid, low, Unsafe.Add(ref low, 1));
    }

    /// <summary>Captures a string by reference; it is truncated to the site's MaxLength when formatted.</summary>
    public static CapturedValue FromString(string? value) =>
        value is null ? new(CaptureKind.Null, 0) : new(CaptureKind.String, 0, 0, value);

    /// <summary>Captures fixed text, such as a type name: <c>"&lt;Portfolio&gt;"</c>.</summary>
    public static CapturedValue FromText(string text) => new(CaptureKind.Text, 0, 0, text);

    /// <summary>Captures a reference that is stored as fixed text unless it is null.</summary>
    public static CapturedValue FromTextUnlessNull(object? value, string text) =>
        value is null ? new(CaptureKind.Null, 0) : new(CaptureKind.Text, 0, 0, text);

    /// <summary>Captures a collection as its display name and count: <c>"[List&lt;int&gt; Count=3]"</c>.</summary>
    public static CapturedValue FromCount(string displayName, int? count) =>
        count is int n ? new(CaptureKind.Count, n, 0, displayName) : new(CaptureKind.Null, 0);

    /// <summary>Captures an enum: its bits now, its name on the writer thread (no boxing).</summary>
    public static CapturedValue FromEnum<TEnum>(TEnum value)
        where TEnum : struct, Enum
    {
        long bits = Unsafe.SizeOf<TEnum>() switch
        {
            1 => Unsafe.As<TEnum, byte>(ref value),
            2 => Unsafe.As<TEnum, short>(ref value),
            4 => Unsafe.As<TEnum, int>(ref value),
            _ => Unsafe.As<TEnum, long>(ref value),
        };
        return new(CaptureKind.Formatted, bits, 0, EnumFormatter<TEnum>.Instance);
    }

    /// <summary>Captures a value with a user <see cref="IValueFormatter{T}"/>, applied on the writer thread.</summary>
    public static CapturedValue FromFormatter<T>(T value, IValueFormatter<T> formatter) =>
        new(CaptureKind.Formatted, 0, 0, new DeferredFormat<T>(value, formatter));

    /// <summary>
    /// Captures a value of a generic type parameter: primitives and strings by value (the type tests are
    /// constants once the JIT specializes the method), anything else as its runtime type name.
    /// </summary>
    public static CapturedValue FromGeneric<T>(T value)
    {
        if (typeof(T) == typeof(int)) return FromInt64(Unsafe.As<T, int>(ref value));
        if (typeof(T) == typeof(long)) return FromInt64(Unsafe.As<T, long>(ref value));
        if (typeof(T) == typeof(bool)) return FromBoolean(Unsafe.As<T, bool>(ref value));
        if (typeof(T) == typeof(double)) return FromDouble(Unsafe.As<T, double>(ref value));
        if (typeof(T) == typeof(decimal)) return FromDecimal(Unsafe.As<T, decimal>(ref value));
        if (typeof(T) == typeof(Guid)) return FromGuid(Unsafe.As<T, Guid>(ref value));
        if (typeof(T) == typeof(DateTime)) return FromDateTime(Unsafe.As<T, DateTime>(ref value));
        if (value is null) return Null;
        if (value is string text) return FromString(text);
        return FromText("<" + value.GetType().Name + ">");
    }

    /// <summary>
    /// Captures the keys of a dictionary at call time, shallowly: <c>"{a, b, c, +8 more}"</c> (the dictionary may
    /// change after the call, so the keys are read now).
    /// </summary>
    public static CapturedValue FromKeys<TKey>(System.Collections.Generic.IEnumerable<TKey>? keys, int count)
    {
        if (keys is null)
        {
            return Null;
        }

        const int Shown = 3;
        var text = new System.Text.StringBuilder("{");
        int written = 0;
        foreach (TKey key in keys)
        {
            if (written == Shown)
            {
                break;
            }

            text.Append(written == 0 ? "" : ", ").Append(key);
            written++;
        }

        if (count > written)
        {
            text.Append(written == 0 ? "" : ", ").Append('+').Append(count - written).Append(" more");
        }

        return FromText(text.Append('}').ToString());
    }

    /// <summary>Captures an object summary filled at call time (generated code, <see cref="ValueSerializer.Smart"/>).</summary>
    public static CapturedValue FromSummary(ObjectSummary summary) => new(CaptureKind.Formatted, 0, 0, summary);

    /// <summary>
    /// Records that a serializer (the value's ToString, System.Text.Json) threw at call time: stored as
    /// <c>"&lt;error: ExceptionType&gt;"</c>, without the message, which may quote the value.
    /// </summary>
    public static CapturedValue FromSerializerError(Exception error) =>
        new(CaptureKind.Text, 0, 0, "<error: " + (error?.GetType().Name ?? "Exception") + ">");

    /// <summary>Captures an array or span as its display name and length: <c>"[int[] Length=100]"</c>.</summary>
    public static CapturedValue FromLength(string displayName, int? length) =>
        length is int n ? new(CaptureKind.Length, n, 0, displayName) : new(CaptureKind.Null, 0);
}
