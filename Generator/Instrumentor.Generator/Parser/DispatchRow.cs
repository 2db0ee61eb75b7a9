using Microsoft.CodeAnalysis;

namespace Instrumentor.Generator.Parser;

/// <summary>
/// A type of this compilation that can be the receiver of a call through an interface or virtual method, and the
/// method that call runs for it (null when the type leaves the slot abstract).
/// </summary>
internal sealed class DispatchRow
{
    public DispatchRow(INamedTypeSymbol type, IMethodSymbol? implementation, bool monitored)
    {
        Type = type;
        Implementation = implementation;
        Monitored = monitored;
    }

    public INamedTypeSymbol Type { get; }

    public IMethodSymbol? Implementation { get; }

    /// <summary>Whether <see cref="Implementation"/> is a monitored method of this compilation.</summary>
    public bool Monitored { get; }
}
