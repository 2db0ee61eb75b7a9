using System.Runtime.CompilerServices;

namespace Instrumentor.Benchmarks.Targets.Dispatch;

/// <summary>An unmonitored implementation of <see cref="IRate"/>.</summary>
public sealed class PlainRate : IRate
{
    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.NoInlining)]
    public int Add(int a, int b) => a + b;
}
