using System;
using System.Collections.Concurrent;
using Microsoft.CodeAnalysis;

namespace Instrumentor.Analyzers.Symbols;

/// <summary>
/// Decides whether calls to a method are traced (the contract of DESIGN §2 that the generator implements). One
/// instance per compilation; answers are cached because the same methods are asked about from every call site.
/// </summary>
/// <remarks>
/// Only ordinary methods are monitored. Such a method is monitored when it (or, for a reduced extension or a
/// constructed generic method, its definition) carries <c>[Monitor]</c> or <c>[TraceTime]</c>; when its type carries
/// <c>[Monitor]</c>; or when the user wrote it and its name passes the <c>[assembly: MonitorAll]</c> filter of its own
/// assembly.
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

        return IsMonitored(method) && method.ContainingType is { } type
            ? _symbols.FindMonitorAttribute(type)
            : null;
    }

    /// <summary>The declaration whose attributes count: extension methods called as instance methods and generic instantiations point back to it.</summary>
    private static IMethodSymbol Definition(IMethodSymbol method) => (method.ReducedFrom ?? method).OriginalDefinition;

    private bool Compute(IMethodSymbol method)
    {
        // Only ordinary methods are ever traced: [Monitor] on a constructor, accessor, operator, local function or
        // lambda has no effect (INSTR001 says so), and a type-level [Monitor] or MonitorAll does not select them.
        if (method.MethodKind != MethodKind.Ordinary || method.ContainingType is not { } type)
        {
            return false;
        }

        if (_symbols.FindMonitorAttribute(method) is not null)
        {
            return true;
        }

        if (_symbols.FindMonitorAttribute(type) is not null)
        {
            return true;
        }

        // MonitorAll selects by name, so it leaves out what the user did not write (record members, top-level Main).
        return !method.IsImplicitlyDeclared
            && !type.IsImplicitlyDeclared
            && method.ContainingAssembly is { } assembly
            && _filters.GetOrAdd(assembly, _createFilter).Matches(method.Name);
    }
}
