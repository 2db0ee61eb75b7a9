using System.Runtime.CompilerServices;

namespace Instrumentor.Benchmarks.Targets.Dispatch;

/// <summary>An unmonitored implementation of <see cref="IQuote"/>: its calls fail the type test and run untraced.</summary>
public sealed class PlainQuote : IQuote
{
    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.NoInlining)]
    public int Add(int a, int b) => a + b;
}
