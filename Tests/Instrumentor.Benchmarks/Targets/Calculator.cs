using System.Runtime.CompilerServices;

namespace Instrumentor.Benchmarks.Targets;

/// <summary>
/// The sync target of the caller-overhead benchmarks, in three twins with the same body. NoInlining on every
/// twin so the baseline pays a real call, as the wrapper's call to the target does.
/// </summary>
public static class Calculator
{
    /// <summary>Not monitored: the baseline.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static int Add(int a, int b) => a + b;

    /// <summary>Monitored, every call recorded (2 int arguments + int result captured).</summary>
    [Monitor]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static int AddSampled(int a, int b) => a + b;

    /// <summary>Monitored, no call recorded (SampleRate = 0): the cost of the wrapper when tracing is off.</summary>
    [Monitor(SampleRate = 0)]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static int AddUnsampled(int a, int b) => a + b;
}
