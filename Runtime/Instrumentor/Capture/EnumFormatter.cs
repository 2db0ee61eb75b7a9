using System;
using System.Runtime.CompilerServices;

namespace Instrumentor.Runtime;

/// <summary>
/// Turns the raw bits of an enum back into its name on the writer thread. One instance per enum type, so a
/// capture stores a shared reference and the bits: no boxing on the caller's thread.
/// </summary>
internal sealed class EnumFormatter<TEnum> : ICapturedFormatter
    where TEnum : struct, Enum
{
    internal static readonly EnumFormatter<TEnum> Instance = new();

    public string? Format(in CapturedValue value)
    {
        long bits = value.Bits;
        TEnum typed = Unsafe.SizeOf<TEnum>() switch
        {
            1 => Unsafe.As<byte, TEnum>(ref Unsafe.As<long, byte>(ref bits)),
            2 => Unsafe.As<short, TEnum>(ref Unsafe.As<long, short>(ref bits)),
            4 => Unsafe.As<int, TEnum>(ref Unsafe.As<long, int>(ref bits)),
            _ => Unsafe.As<long, TEnum>(ref bits),
        };
        return typed.ToString();
    }
}
