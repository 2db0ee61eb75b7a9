using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading.Tasks;

namespace Instrumentor.Benchmarks.Targets;

/// <summary>An iterator and an async iterator of <c>n</c> ints, each with a monitored twin (the span covers the enumeration).</summary>
public static class SequenceTargets
{
    /// <summary>Not monitored.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static IEnumerable<int> Range(int count)
    {
        for (int i = 0; i < count; i++)
        {
            yield return i;
        }
    }

    /// <summary>Monitored twin of <see cref="Range"/>.</summary>
    [Monitor]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static IEnumerable<int> RangeMonitored(int count)
    {
        for (int i = 0; i < count; i++)
        {
            yield return i;
        }
    }

    /// <summary>Not monitored; every item is ready at once (the enumeration completes synchronously).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static async IAsyncEnumerable<int> RangeAsync(int count)
    {
        for (int i = 0; i < count; i++)
        {
            await Task.CompletedTask;
            yield return i;
        }
    }

    /// <summary>Monitored twin of <see cref="RangeAsync"/>.</summary>
    [Monitor]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static async IAsyncEnumerable<int> RangeAsyncMonitored(int count)
    {
        for (int i = 0; i < count; i++)
        {
            await Task.CompletedTask;
            yield return i;
        }
    }
}
