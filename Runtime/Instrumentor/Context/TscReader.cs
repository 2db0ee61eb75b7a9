using System;
using System.IO;
using System.Runtime.InteropServices;

namespace Instrumentor;

/// <summary>
/// Reads the CPU's time-stamp counter with one <c>rdtsc</c> instruction, through ten bytes of machine code in a page
/// of its own, called as an unmanaged function without a GC transition: .NET exposes no intrinsic for it, and
/// <see cref="System.Diagnostics.Stopwatch.GetTimestamp"/> pays a call into the C library and the kernel's clock
/// arithmetic (25–30 ns on a KVM guest) for the same counter.
/// </summary>
/// <remarks>
/// Used only where the counter is a clock: x64 Linux, with a kernel that lists <c>tsc</c> among its usable clock
/// sources (it removes the TSC from that list when it finds it unsynchronized between CPUs or unstable), and
/// unless <c>INSTRUMENTOR_CLOCK=stopwatch</c> is set. Anything else, or any failure to map the page, leaves
/// <see cref="Read"/> null and the caller uses the Stopwatch.
/// </remarks>
internal static unsafe class TscReader
{
    private const int ProtRead = 1;
    private const int ProtWrite = 2;
    private const int ProtExec = 4;
    private const int MapPrivate = 0x02;
    private const int MapAnonymous = 0x20;
    private const int PageSize = 4096;

    // rdtsc; shl rdx, 32; or rax, rdx; ret — the 64-bit counter in rax (System V: rdx is the caller's to lose).
    private static readonly byte[] s_code = { 0x0F, 0x31, 0x48, 0xC1, 0xE2, 0x20, 0x48, 0x09, 0xD0, 0xC3 };

    /// <summary>The counter reader, or null when the TSC is not used (see the remarks).</summary>
    internal static readonly delegate* unmanaged[SuppressGCTransition]<long> Read = Create();

    /// <summary>Why the TSC is not used, or null when it is (self-diagnostics and tests).</summary>
    internal static string? NotUsedBecause { get; private set; }

    private static delegate* unmanaged[SuppressGCTransition]<long> Create()
    {
        try
        {
            if (Environment.GetEnvironmentVariable("INSTRUMENTOR_CLOCK") is { } choice
                && choice.Equals("stopwatch", StringComparison.OrdinalIgnoreCase))
            {
                NotUsedBecause = "INSTRUMENTOR_CLOCK=stopwatch";
                return null;
            }

            if (RuntimeInformation.ProcessArchitecture != Architecture.X64 || !OperatingSystem.IsLinux())
            {
                NotUsedBecause = "not x64 Linux";
                return null;
            }

            const string sources = "/sys/devices/system/clocksource/clocksource0/available_clocksource";
            if (!File.Exists(sources) || Array.IndexOf(File.ReadAllText(sources).Split(' ', '\n'), "tsc") < 0)
            {
                NotUsedBecause = "the kernel does not list tsc as a usable clock source";
                return null;
            }

            var reader = (delegate* unmanaged[SuppressGCTransition]<long>)MapCode();
            if (reader is null)
            {
                return null;
            }

            long first = reader();
            long second = reader();
            if (first <= 0 || second < first)
            {
                NotUsedBecause = "the counter did not advance";
                return null;
            }

            return reader;
        }
        catch (Exception ex)
        {
            NotUsedBecause = ex.GetType().Name + ": " + ex.Message;
            return null;
        }
    }

    /// <summary>Maps a page, copies the code into it and makes it executable (never writable and executable at once).</summary>
    private static void* MapCode()
    {
        if (!NativeLibrary.TryLoad("libc.so.6", out IntPtr libc)
            && !NativeLibrary.TryLoad("libc.musl-x86_64.so.1", out libc))
        {
            NotUsedBecause = "no C library to map the code with";
            return null;
        }

        if (!NativeLibrary.TryGetExport(libc, "mmap", out IntPtr mmapExport) || !NativeLibrary.TryGetExport(libc, "mprotect", out IntPtr mprotectExport))
        {
            NotUsedBecause = "the C library has no mmap/mprotect";
            return null;
        }

        var mmap = (delegate* unmanaged<IntPtr, nuint, int, int, int, IntPtr, IntPtr>)mmapExport;
        var mprotect = (delegate* unmanaged<IntPtr, nuint, int, int>)mprotectExport;
        IntPtr page = mmap(IntPtr.Zero, PageSize, ProtRead | ProtWrite, MapPrivate | MapAnonymous, -1, IntPtr.Zero);
        if (page == IntPtr.Zero || page == new IntPtr(-1))
        {
            NotUsedBecause = "mmap failed";
            return null;
        }

        Marshal.Copy(s_code, 0, page, s_code.Length);
        if (mprotect(page, PageSize, ProtRead | ProtExec) != 0)
        {
            NotUsedBecause = "mprotect(PROT_EXEC) was refused";
            return null;
        }

        return (void*)page;
    }
}
