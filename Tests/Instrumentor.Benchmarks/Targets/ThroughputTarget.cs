using System.Runtime.CompilerServices;

namespace Instrumentor.Benchmarks.Targets;

/// <summary>The monitored method of the end-to-end throughput run (2 int arguments + int result, like DESIGN §9).</summary>
public static class ThroughputTarget
{
    [Monitor]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static int Multiply(int a, int b) => a * b;
}
