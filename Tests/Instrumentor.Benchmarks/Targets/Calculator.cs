using System.Runtime.CompilerServices;
using System.Threading.Tasks;

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

    /// <summary>
    /// Monitored, every call recorded, with a body that could start a task (never does: <paramref name="b"/> is
    /// never <see cref="int.MinValue"/> here), so the generator gives it the flowing wrapper (the span is published
    /// in the ExecutionContext): the price of nesting work started on other threads.
    /// </summary>
    [Monitor]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static int AddSampledFlowing(int a, int b) => b == int.MinValue ? Task.Run(static () => 0).Result : a + b;

    /// <summary>The unsampled twin of <see cref="AddSampledFlowing"/>.</summary>
    [Monitor(SampleRate = 0)]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static int AddUnsampledFlowing(int a, int b) => b == int.MinValue ? Task.Run(static () => 0).Result : a + b;
}
