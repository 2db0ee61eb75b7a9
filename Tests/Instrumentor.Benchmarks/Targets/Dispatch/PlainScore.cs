using System.Runtime.CompilerServices;

namespace Instrumentor.Benchmarks.Targets.Dispatch;

/// <summary>An unmonitored implementation of <see cref="IScore"/>.</summary>
public sealed class PlainScore : IScore
{
    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.NoInlining)]
    public int Add(int a, int b) => a + b;
}
