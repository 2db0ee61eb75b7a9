using System.Runtime.CompilerServices;
using System.Threading.Tasks;

namespace Instrumentor.Benchmarks.Targets;

/// <summary>Task-returning targets, each with a monitored twin.</summary>
public static class AsyncCalculator
{
    /// <summary>Completes synchronously (a cached task for small results: the baseline allocates nothing).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static Task<int> AddCompleted(int a, int b) => Task.FromResult(a + b);

    /// <summary>Monitored twin of <see cref="AddCompleted"/>.</summary>
    [Monitor]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static Task<int> AddCompletedMonitored(int a, int b) => Task.FromResult(a + b);

    /// <summary>An async method that completes synchronously (it awaits a completed task).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static async Task<int> AddAwaitCompleted(int a, int b)
    {
        await Task.CompletedTask;
        return a + b;
    }

    /// <summary>Monitored twin of <see cref="AddAwaitCompleted"/>.</summary>
    [Monitor]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static async Task<int> AddAwaitCompletedMonitored(int a, int b)
    {
        await Task.CompletedTask;
        return a + b;
    }

    /// <summary>A completed ValueTask (no allocation in the baseline).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static ValueTask<int> AddValueCompleted(int a, int b) => new(a + b);

    /// <summary>Monitored twin of <see cref="AddValueCompleted"/>.</summary>
    [Monitor]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static ValueTask<int> AddValueCompletedMonitored(int a, int b) => new(a + b);

    /// <summary>Completes asynchronously: the continuation runs on the thread pool.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static async Task<int> AddYielding(int a, int b)
    {
        await Task.Yield();
        return a + b;
    }

    /// <summary>Monitored twin of <see cref="AddYielding"/>.</summary>
    [Monitor]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static async Task<int> AddYieldingMonitored(int a, int b)
    {
        await Task.Yield();
        return a + b;
    }
}
