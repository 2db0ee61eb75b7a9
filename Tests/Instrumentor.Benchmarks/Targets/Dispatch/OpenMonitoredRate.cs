using System.Runtime.CompilerServices;

namespace Instrumentor.Benchmarks.Targets.Dispatch;

/// <summary>The monitored implementation of <see cref="IRate"/>, not sealed: <c>is</c> must also accept subclasses.</summary>
public class OpenMonitoredRate : IRate
{
    /// <inheritdoc />
    [Monitor]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public int Add(int a, int b) => a + b;
}
