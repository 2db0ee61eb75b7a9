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

    /// <summary>A record argument: stored as a compile-time summary, <c>Quote { Id = 7, Sku = apple, Quantity = 3, Price = 1.25 }</c>.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static decimal Total(Quote quote) => quote.Quantity * quote.Price;

    /// <summary>Monitored twin of <see cref="Total"/> (Smart, the default: four properties read at call time).</summary>
    [Monitor(CaptureResult = false)]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static decimal TotalMonitored(Quote quote) => quote.Quantity * quote.Price;

    /// <summary>The same with <c>ValueSerializer.TypeName</c> (<c>&lt;Quote&gt;</c>): what the summary adds.</summary>
    [Monitor(CaptureResult = false, Serializer = ValueSerializer.TypeName)]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static decimal TotalMonitoredTypeName(Quote quote) => quote.Quantity * quote.Price;

    /// <summary>A sensitive argument (stored as <c>***</c>: its name contains "password").</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static bool Login(string user, string password) => user.Length == password.Length;

    /// <summary>Monitored twin of <see cref="Login"/>.</summary>
    [Monitor]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static bool LoginMonitored(string user, string password) => user.Length == password.Length;
}

/// <summary>A 4-property record for the summary benchmark.</summary>
/// <param name="Id">An int.</param>
/// <param name="Sku">A string.</param>
/// <param name="Quantity">An int.</param>
/// <param name="Price">A decimal.</param>
public sealed record Quote(int Id, string Sku, int Quantity, decimal Price);
