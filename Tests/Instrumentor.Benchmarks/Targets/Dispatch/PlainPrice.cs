using System.Runtime.CompilerServices;

namespace Instrumentor.Benchmarks.Targets.Dispatch;

/// <summary>The only implementation of <see cref="IPrice"/>.</summary>
public sealed class PlainPrice : IPrice
{
    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.NoInlining)]
    public int Add(int a, int b) => a + b;
}
