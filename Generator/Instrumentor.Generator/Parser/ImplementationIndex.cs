using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;

namespace Instrumentor.Generator.Parser;

/// <summary>
/// Which interface and virtual methods ("slots") monitored methods of this compilation implement or override, and,
/// per slot, what every class and struct of the compilation runs for it. Built once per compilation, on the first
/// call through an interface or virtual method; the rows of a slot are computed when a call site asks for them.
/// </summary>
/// <remarks>
/// Only types and methods of this compilation are considered: an implementation in a referenced assembly is not
/// dispatched to, so its calls through the interface stay untraced (docs/rules/INSTR010.md, "Known limits").
/// </remarks>
internal sealed class ImplementationIndex
{
    private static readonly ConditionalWeakTable<Compilation, ImplementationIndex> s_cache = new();

    private readonly Compilation _compilation;
    private readonly List<INamedTypeSymbol> _types = new();
    private readonly HashSet<IMethodSymbol> _slots = new(SymbolEqualityComparer.Default);
    private readonly ConcurrentDictionary<IMethodSymbol, bool> _monitored = new(SymbolEqualityComparer.Default);
    private readonly ConcurrentDictionary<IMethodSymbol, ImmutableArray<DispatchRow>> _rows = new(SymbolEqualityComparer.Default);

    private ImplementationIndex(Compilation compilation)
    {
        _compilation = compilation;
        foreach (ISymbol symbol in compilation.GetSymbolsWithName(static _ => true, SymbolFilter.Type))
        {
            if (symbol is INamedTypeSymbol { TypeKind: TypeKind.Class or TypeKind.Struct } type)
            {
                _types.Add(type);
                AddSlots(type);
            }
        }
    }

    public static ImplementationIndex For(Compilation compilation) => s_cache.GetValue(compilation, static c => new ImplementationIndex(c));

    /// <summary>
    /// What each type of the compilation runs when <paramref name="slot"/> (a definition) is called on it; empty when
    /// no monitored method of the compilation fills the slot.
    /// </summary>
    public ImmutableArray<DispatchRow> RowsFor(IMethodSymbol slot) =>
        _slots.Contains(slot) ? _rows.GetOrAdd(slot, ComputeRows) : ImmutableArray<DispatchRow>.Empty;

    /// <summary>Whether <paramref name="method"/> is a monitored instance method of this compilation (a dispatch target).</summary>
    public bool IsMonitored(IMethodSymbol method) => _monitored.GetOrAdd(method.OriginalDefinition, ComputeMonitored);

    private bool ComputeMonitored(IMethodSymbol method) =>
        !method.IsStatic
        && method.MethodKind is MethodKind.Ordinary or MethodKind.ExplicitInterfaceImplementation
        && SymbolEqualityComparer.Default.Equals(method.ContainingAssembly, _compilation.Assembly)
        && MonitorSettingsReader.Read(method) is not null;

    private void AddSlots(INamedTypeSymbol type)
    {
        foreach (ISymbol member in type.GetMembers())
        {
            if (member is IMethodSymbol { IsOverride: true } method && IsMonitored(method))
            {
                for (IMethodSymbol? overridden = method.OverriddenMethod; overridden is not null; overridden = overridden.OverriddenMethod)
                {
                    _slots.Add(overridden.OriginalDefinition);
                }
            }
        }

        // Through the type's interfaces, so a monitored method inherited from a base class that implements an
        // interface only for the derived type is found too.
        foreach (INamedTypeSymbol contract in type.AllInterfaces)
        {
            foreach (ISymbol member in contract.GetMembers())
            {
                if (member is IMethodSymbol { IsStatic: false, MethodKind: MethodKind.Ordinary } slot
                    && type.FindImplementationForInterfaceMember(slot) is IMethodSymbol implementation
                    && IsMonitored(implementation))
                {
                    _slots.Add(slot.OriginalDefinition);
                }
            }
        }
    }

    private ImmutableArray<DispatchRow> ComputeRows(IMethodSymbol slot)
    {
        var rows = ImmutableArray.CreateBuilder<DispatchRow>();
        INamedTypeSymbol owner = slot.ContainingType.OriginalDefinition;
        foreach (INamedTypeSymbol type in _types)
        {
            if (owner.TypeKind == TypeKind.Interface)
            {
                foreach (INamedTypeSymbol contract in type.AllInterfaces)
                {
                    if (SymbolEqualityComparer.Default.Equals(contract.OriginalDefinition, owner)
                        && FindSlotIn(contract, slot) is { } constructed)
                    {
                        Add(rows, type, type.FindImplementationForInterfaceMember(constructed) as IMethodSymbol);
                    }
                }
            }
            else if (DerivesFrom(type, owner))
            {
                Add(rows, type, FindOverride(type, slot));
            }
        }

        return rows.ToImmutable();
    }

    private void Add(ImmutableArray<DispatchRow>.Builder rows, INamedTypeSymbol type, IMethodSymbol? implementation) =>
        rows.Add(new DispatchRow(type, implementation, implementation is not null && IsMonitored(implementation)));

    private static IMethodSymbol? FindSlotIn(INamedTypeSymbol contract, IMethodSymbol slot)
    {
        foreach (ISymbol member in contract.GetMembers(slot.Name))
        {
            if (member is IMethodSymbol method && SymbolEqualityComparer.Default.Equals(method.OriginalDefinition, slot))
            {
                return method;
            }
        }

        return null;
    }

    private static bool DerivesFrom(INamedTypeSymbol type, INamedTypeSymbol owner)
    {
        for (INamedTypeSymbol? current = type; current is not null; current = current.BaseType)
        {
            if (SymbolEqualityComparer.Default.Equals(current.OriginalDefinition, owner))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The most derived method of <paramref name="type"/>'s chain that overrides (or is) <paramref name="slot"/>.</summary>
    private static IMethodSymbol? FindOverride(INamedTypeSymbol type, IMethodSymbol slot)
    {
        for (INamedTypeSymbol? current = type; current is not null; current = current.BaseType)
        {
            foreach (ISymbol member in current.GetMembers(slot.Name))
            {
                if (member is not IMethodSymbol method)
                {
                    continue;
                }

                for (IMethodSymbol? link = method; link is not null; link = link.OverriddenMethod)
                {
                    if (SymbolEqualityComparer.Default.Equals(link.OriginalDefinition, slot))
                    {
                        return method;
                    }

                    if (!link.IsOverride)
                    {
                        break;
                    }
                }
            }
        }

        return null;
    }
}
