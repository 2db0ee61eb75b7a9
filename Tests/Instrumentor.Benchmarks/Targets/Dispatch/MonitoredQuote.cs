using System.Runtime.CompilerServices;

namespace Instrumentor.Benchmarks.Targets.Dispatch;

/// <summary>The monitored, sealed implementation of <see cref="IQuote"/>.</summary>
public sealed class MonitoredQuote : IQuote
{
    /// <inheritdoc />
    [Monitor]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public int Add(int a, int b) => a + b;
}
