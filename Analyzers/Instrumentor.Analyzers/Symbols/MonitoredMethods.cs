using System;
using System.Collections.Concurrent;
using Microsoft.CodeAnalysis;

namespace Instrumentor.Analyzers.Symbols;

/// <summary>
/// Decides, as the generator does, whether calls to a method are traced. One instance per compilation; answers are
/// cached because the same methods are asked about from every call site.
/// </summary>
/// <remarks>
/// A method is monitored when it (or, for a reduced extension or a constructed generic method, its definition) carries
/// <c>[Monitor]</c> or <c>[TraceTime]</c>; when it is an ordinary method of a type carrying <c>[Monitor]</c>; or when it
/// is an ordinary method whose name passes the <c>[assembly: MonitorAll]</c> filter of its own assembly.
/// </remarks>
internal sealed class MonitoredMethods
{
    private readonly InstrumentorSymbols _symbols;
    private readonly ConcurrentDictionary<IMethodSymbol, bool> _isMonitored = new(SymbolEqualityComparer.Default);
    private readonly ConcurrentDictionary<IAssemblySymbol, MonitorAllFilter> _filters = new(SymbolEqualityComparer.Default);
    private readonly Func<IMethodSymbol, bool> _compute;
    private readonly Func<IAssemblySymbol, MonitorAllFilter> _createFilter;

    public MonitoredMethods(InstrumentorSymbols symbols)
    {
        _symbols = symbols;
        _compute = Compute;
        _createFilter = assembly => MonitorAllFilter.For(assembly, _symbols.MonitorAll);
    }

    public InstrumentorSymbols Symbols => _symbols;

    /// <summary>Whether calls to <paramref name="method"/> are traced by the generator.</summary>
    public bool IsMonitored(IMethodSymbol method) => _isMonitored.GetOrAdd(Definition(method), _compute);

    /// <summary>
    /// The attribute that configures <paramref name="method"/>: its own <c>[Monitor]</c>/<c>[TraceTime]</c>, else the
    /// <c>[Monitor]</c> of its type; <see langword="null"/> when the defaults apply (MonitorAll) or it is not monitored.
    /// </summary>
    public AttributeData? GetConfiguringAttribute(IMethodSymbol method)
    {
        method = Definition(method);
        var own = _symbols.FindMonitorAttribute(method);
        if (own is not null)
        {
            return own;
        }

        return IsCoveredByTypeOrAssembly(method) && method.ContainingType is { } type
            ? _symbols.FindMonitorAttribute(type)
            : null;
    }

    /// <summary>The declaration whose attributes count: extension methods called as instance methods and generic instantiations point back to it.</summary>
    private static IMethodSymbol Definition(IMethodSymbol method) => (method.ReducedFrom ?? method).OriginalDefinition;

    private bool Compute(IMethodSymbol method)
    {
        if (_symbols.FindMonitorAttribute(method) is not null)
        {
            return true;
        }

        if (!IsCoveredByTypeOrAssembly(method))
        {
            return false;
        }

        if (method.ContainingType is { } type && _symbols.FindMonitorAttribute(type) is not null)
        {
            return true;
        }

        return method.ContainingAssembly is { } assembly
            && _filters.GetOrAdd(assembly, _createFilter).Matches(method.Name);
    }

    /// <summary>
    /// A type-level <c>[Monitor]</c> and <c>MonitorAll</c> select only ordinary methods written by the user: constructors,
    /// accessors and operators cannot be intercepted, and compiler-synthesized members (record Equals, ...) are not the user's.
    /// </summary>
    private static bool IsCoveredByTypeOrAssembly(IMethodSymbol method) =>
        method.MethodKind == MethodKind.Ordinary && !method.IsImplicitlyDeclared;
}
