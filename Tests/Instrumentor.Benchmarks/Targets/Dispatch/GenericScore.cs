using System.Runtime.CompilerServices;

namespace Instrumentor.Benchmarks.Targets.Dispatch;

/// <summary>A generic subclass overriding the monitored method without [Monitor]: it forces exact-type tests.</summary>
/// <typeparam name="T">Unused: it only makes the type impossible to name in a type test.</typeparam>
public sealed class GenericScore<T> : MonitoredScore
{
    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.NoInlining)]
    public override int Add(int a, int b) => a - b;
}
