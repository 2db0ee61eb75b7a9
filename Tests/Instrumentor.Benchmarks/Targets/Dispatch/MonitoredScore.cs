using System.Runtime.CompilerServices;

namespace Instrumentor.Benchmarks.Targets.Dispatch;

/// <summary>The monitored implementation of <see cref="IScore"/>, virtual.</summary>
public class MonitoredScore : IScore
{
    /// <inheritdoc />
    [Monitor]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public virtual int Add(int a, int b) => a + b;
}
