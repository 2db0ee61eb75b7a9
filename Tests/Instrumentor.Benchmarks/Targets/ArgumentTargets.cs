using System.Collections.Generic;
using System.Runtime.CompilerServices;

namespace Instrumentor.Benchmarks.Targets;

/// <summary>Sync targets whose arguments are captured by reference, by count or masked; each with a monitored twin.</summary>
public static class ArgumentTargets
{
    /// <summary>A string argument (captured by reference, truncated when formatted on the writer thread).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static int Length(string text) => text.Length;

    /// <summary>Monitored twin of <see cref="Length"/>.</summary>
    [Monitor]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static int LengthMonitored(string text) => text.Length;

    /// <summary>A collection argument (captured as <c>[List&lt;int&gt; Count=n]</c>).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static int Count(List<int> items) => items.Count;

    /// <summary>Monitored twin of <see cref="Count"/>.</summary>
    [Monitor]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static int CountMonitored(List<int> items) => items.Count;

    /// <summary>A sensitive argument (stored as <c>***</c>: its name contains "password").</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static bool Login(string user, string password) => user.Length == password.Length;

    /// <summary>Monitored twin of <see cref="Login"/>.</summary>
    [Monitor]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static bool LoginMonitored(string user, string password) => user.Length == password.Length;
}
