using Microsoft.CodeAnalysis;

namespace Instrumentor.Analyzers.Symbols;

/// <summary>
/// The Instrumentor attribute types of one compilation, looked up once at compilation start so that symbol and
/// operation actions compare references instead of names.
/// </summary>
internal sealed class InstrumentorSymbols
{
    private InstrumentorSymbols(Compilation compilation, INamedTypeSymbol monitor)
    {
        Monitor = monitor;
        TraceTime = compilation.GetTypeByMetadataName("Instrumentor.TraceTimeAttribute");
        MonitorAll = compilation.GetTypeByMetadataName("Instrumentor.MonitorAllAttribute");
        Sensitive = compilation.GetTypeByMetadataName("Instrumentor.SensitiveAttribute");
        NotCaptured = compilation.GetTypeByMetadataName("Instrumentor.NotCapturedAttribute");
    }

    public INamedTypeSymbol Monitor { get; }

    public INamedTypeSymbol? TraceTime { get; }

    public INamedTypeSymbol? MonitorAll { get; }

    public INamedTypeSymbol? Sensitive { get; }

    public INamedTypeSymbol? NotCaptured { get; }

    /// <summary>
    /// The symbols of <paramref name="compilation"/>, or <see langword="null"/> when it does not reference the
    /// Instrumentor runtime: then no analyzer has anything to say and none registers further actions.
    /// </summary>
    public static InstrumentorSymbols? TryCreate(Compilation compilation)
    {
        var monitor = compilation.GetTypeByMetadataName("Instrumentor.MonitorAttribute");
        return monitor is null ? null : new InstrumentorSymbols(compilation, monitor);
    }

    /// <summary>The <c>[Monitor]</c> or <c>[TraceTime]</c> written directly on <paramref name="symbol"/>, if any.</summary>
    public AttributeData? FindMonitorAttribute(ISymbol symbol)
    {
        foreach (var attribute in symbol.GetAttributes())
        {
            if (IsMonitorAttribute(attribute.AttributeClass))
            {
                return attribute;
            }
        }

        return null;
    }

    /// <summary>Whether <paramref name="type"/> is <c>MonitorAttribute</c> or the legacy <c>TraceTimeAttribute</c>.</summary>
    public bool IsMonitorAttribute(INamedTypeSymbol? type) =>
        type is not null
        && (SymbolEqualityComparer.Default.Equals(type, Monitor) || SymbolEqualityComparer.Default.Equals(type, TraceTime));

    /// <summary>Whether <paramref name="symbol"/> carries an attribute of class <paramref name="attributeType"/>.</summary>
    public static bool HasAttribute(ISymbol symbol, INamedTypeSymbol? attributeType)
    {
        if (attributeType is null)
        {
            return false;
        }

        foreach (var attribute in symbol.GetAttributes())
        {
            if (SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, attributeType))
            {
                return true;
            }
        }

        return false;
    }
}
