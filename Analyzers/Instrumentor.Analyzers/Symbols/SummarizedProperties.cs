using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace Instrumentor.Analyzers.Symbols;

/// <summary>
/// The properties that an object summary of some monitored method of the compilation reads (an argument or a result
/// captured with the Smart or Repr serializer), each with the first such method. Mirrors the generator's
/// SummaryPlanner: framework types are never summarized, at most <see cref="MaxShown"/> properties are shown, base
/// type's first.
/// </summary>
/// <remarks>
/// Built once, on first use, by walking the compilation's own types: only a property with a sensitive-looking name
/// asks, so most compilations never pay for it.
/// </remarks>
internal sealed class SummarizedProperties
{
    /// <summary>The generator's SummaryPlanner.MaxShown: the properties after it are counted, not read.</summary>
    public const int MaxShown = 4;

    private const int Repr = 1;
    private const int Json = 2;
    private const int TypeName = 3;

    private readonly Compilation _compilation;
    private readonly MonitoredMethods _monitored;
    private readonly object _gate = new();
    private Dictionary<IPropertySymbol, IMethodSymbol>? _shown;

    public SummarizedProperties(Compilation compilation, MonitoredMethods monitored)
    {
        _compilation = compilation;
        _monitored = monitored;
    }

    /// <summary>The first monitored method whose argument or result summary shows <paramref name="property"/>, else <see langword="null"/>.</summary>
    public IMethodSymbol? FindCapturingMethod(IPropertySymbol property)
    {
        lock (_gate)
        {
            _shown ??= Build();
        }

        return _shown.TryGetValue(property, out var method) ? method : null;
    }

    private Dictionary<IPropertySymbol, IMethodSymbol> Build()
    {
        var types = new List<INamedTypeSymbol>();
        Collect(_compilation.Assembly.GlobalNamespace, types);

        var formatted = FormattedTypes(types);
        var shown = new Dictionary<IPropertySymbol, IMethodSymbol>(SymbolEqualityComparer.Default);
        foreach (var type in types)
        {
            foreach (var member in type.GetMembers())
            {
                if (member is IMethodSymbol method && _monitored.IsMonitored(method))
                {
                    AddCaptures(method, formatted, shown);
                }
            }
        }

        return shown;
    }

    private void AddCaptures(IMethodSymbol method, HashSet<ITypeSymbol> formatted, Dictionary<IPropertySymbol, IMethodSymbol> shown)
    {
        var attribute = _monitored.GetConfiguringAttribute(method);
        var isTraceTime = attribute is not null && SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, _monitored.Symbols.TraceTime);

        // [TraceTime] takes the defaults; without an attribute (MonitorAll) the assembly attribute sets the serializer.
        var settings = isTraceTime ? null : attribute ?? FindMonitorAll(method);
        var serializer = settings is not null && AttributeArguments.TryGetNamed(settings, "Serializer", out var value) && value.Value is int kind ? kind : 0;
        var hasJsonContext = settings is not null && JsonCaptureSettings.IsJsonContext(JsonCaptureSettings.ContextType(settings));
        if (serializer == TypeName || (serializer == Json && hasJsonContext))
        {
            // Neither stores a summary at the top level (Json with a context serializes every argument and result).
            return;
        }

        var onMethod = isTraceTime ? null : attribute;
        if (!IsOff(onMethod, "CaptureArgs"))
        {
            foreach (var parameter in method.Parameters)
            {
                if (parameter.RefKind != RefKind.Out
                    && !InstrumentorSymbols.HasAttribute(parameter, _monitored.Symbols.NotCaptured)
                    && !InstrumentorSymbols.HasAttribute(parameter, _monitored.Symbols.Sensitive)
                    && !SensitiveNames.LooksSensitive(parameter.Name))
                {
                    AddSummary(parameter.Type, serializer, method, formatted, shown);
                }
            }
        }

        if (!IsOff(onMethod, "CaptureResult") && ResultType(method) is { } result
            && !HasAttribute(method.GetReturnTypeAttributes(), _monitored.Symbols.Sensitive))
        {
            AddSummary(result, serializer, method, formatted, shown);
        }
    }

    private void AddSummary(ITypeSymbol type, int serializer, IMethodSymbol method, HashSet<ITypeSymbol> formatted, Dictionary<IPropertySymbol, IMethodSymbol> shown)
    {
        if (type is not INamedTypeSymbol { TypeKind: TypeKind.Class or TypeKind.Struct } named
            || named.IsStatic || named.IsRefLikeType || named.IsAnonymousType || named.IsImplicitlyDeclared
            || named.SpecialType != SpecialType.None || IsFramework(named)
            || ContainsTypeParameter(named) || IsObsolete(named)
            || formatted.Contains(named.WithNullableAnnotation(NullableAnnotation.NotAnnotated))
            || IsSensitiveType(named)
            || (named.IsReferenceType && HasCountProperty(named))
            || !_compilation.IsSymbolAccessibleWithin(named, _compilation.Assembly))
        {
            return;
        }

        var properties = ReadableProperties(named);
        if (serializer == Repr && OverridesToString(named, out var synthesized)
            && !(synthesized && properties.Exists(IsMasked)))
        {
            // Repr stores the type's own ToString; only a record's compiler-written one falls back to the summary.
            return;
        }

        for (var i = 0; i < properties.Count && i < MaxShown; i++)
        {
            // The declaration, not the member of a constructed type (Box<int>.Token): that is what the symbol action sees.
            var declared = properties[i].OriginalDefinition;
            if (!shown.ContainsKey(declared))
            {
                shown.Add(declared, method);
            }
        }
    }

    private bool IsMasked(IPropertySymbol property) =>
        InstrumentorSymbols.HasAttribute(property, _monitored.Symbols.Sensitive)
        || IsSensitiveType(property.Type)
        || SensitiveNames.LooksSensitive(property.Name);

    /// <summary><c>[Sensitive]</c> is inherited, so a base type carrying it marks the type too.</summary>
    public bool IsSensitiveType(ITypeSymbol type)
    {
        if (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable)
        {
            type = nullable.TypeArguments[0];
        }

        for (var current = type; current is not null; current = current.BaseType)
        {
            if (InstrumentorSymbols.HasAttribute(current, _monitored.Symbols.Sensitive))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The properties a summary may read, base type's first; a redeclared name keeps its first place.</summary>
    private List<IPropertySymbol> ReadableProperties(INamedTypeSymbol type)
    {
        var chain = new List<INamedTypeSymbol>();
        for (var current = type; current is not null && !IsFramework(current); current = current.BaseType)
        {
            chain.Insert(0, current);
        }

        var byName = new Dictionary<string, int>(System.StringComparer.Ordinal);
        var result = new List<IPropertySymbol>();
        foreach (var declaring in chain)
        {
            foreach (var member in declaring.GetMembers())
            {
                if (member is not IPropertySymbol property || !IsReadable(property))
                {
                    continue;
                }

                if (byName.TryGetValue(property.Name, out var at))
                {
                    result[at] = property;
                    continue;
                }

                byName.Add(property.Name, result.Count);
                result.Add(property);
            }
        }

        result.RemoveAll(p => InstrumentorSymbols.HasAttribute(p, _monitored.Symbols.NotCaptured));
        return result;
    }

    private bool IsReadable(IPropertySymbol property) =>
        !property.IsStatic && !property.IsIndexer && !property.ReturnsByRef && !property.ReturnsByRefReadonly
        && property.DeclaredAccessibility == Accessibility.Public
        && property.GetMethod is { DeclaredAccessibility: Accessibility.Public } getter
        && property.ExplicitInterfaceImplementations.IsEmpty
        && !property.Type.IsRefLikeType
        && property.Type.TypeKind is not (TypeKind.Pointer or TypeKind.FunctionPointer or TypeKind.Error)
        && !HasAttributeNamed(property, "ObsoleteAttribute") && !HasAttributeNamed(getter, "ObsoleteAttribute")
        && !HasAttributeNamed(property, "RequiresUnreferencedCodeAttribute") && !HasAttributeNamed(getter, "RequiresUnreferencedCodeAttribute")
        && !HasAttributeNamed(property, "RequiresDynamicCodeAttribute") && !HasAttributeNamed(getter, "RequiresDynamicCodeAttribute")
        && _compilation.IsSymbolAccessibleWithin(getter, _compilation.Assembly);

    /// <summary>The awaited value of Task&lt;T&gt;/ValueTask&lt;T&gt;, the returned value otherwise; none for void and plain tasks.</summary>
    private static ITypeSymbol? ResultType(IMethodSymbol method)
    {
        if (method.ReturnsVoid)
        {
            return null;
        }

        if (method.ReturnType is INamedTypeSymbol named && named.ContainingNamespace?.ToDisplayString() == "System.Threading.Tasks")
        {
            switch (named.MetadataName)
            {
                case "Task":
                case "ValueTask":
                    return null;
                case "Task`1":
                case "ValueTask`1":
                    return named.TypeArguments[0];
            }
        }

        return method.ReturnType;
    }

    private AttributeData? FindMonitorAll(IMethodSymbol method)
    {
        if (_monitored.Symbols.MonitorAll is not { } monitorAll || method.ContainingAssembly is not { } assembly)
        {
            return null;
        }

        foreach (var attribute in assembly.GetAttributes())
        {
            if (SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, monitorAll))
            {
                return attribute;
            }
        }

        return null;
    }

    private static bool IsOff(AttributeData? attribute, string name) =>
        attribute is not null && AttributeArguments.TryGetNamed(attribute, name, out var value) && value.Value is false;

    /// <summary>The types a user <c>IValueFormatter&lt;T&gt;</c> formats: a formatter wins over the summary.</summary>
    private HashSet<ITypeSymbol> FormattedTypes(List<INamedTypeSymbol> types)
    {
        var formatted = new HashSet<ITypeSymbol>(SymbolEqualityComparer.Default);
        if (_compilation.GetTypeByMetadataName("Instrumentor.IValueFormatter`1") is not { } formatter)
        {
            return formatted;
        }

        foreach (var type in types)
        {
            foreach (var implemented in type.AllInterfaces)
            {
                if (SymbolEqualityComparer.Default.Equals(implemented.OriginalDefinition, formatter))
                {
                    formatted.Add(implemented.TypeArguments[0].WithNullableAnnotation(NullableAnnotation.NotAnnotated));
                }
            }
        }

        return formatted;
    }

    private static void Collect(INamespaceOrTypeSymbol container, List<INamedTypeSymbol> types)
    {
        foreach (var member in container.GetMembers())
        {
            if (member is INamespaceOrTypeSymbol inner)
            {
                if (inner is INamedTypeSymbol type)
                {
                    types.Add(type);
                }

                Collect(inner, types);
            }
        }
    }

    private static bool OverridesToString(ITypeSymbol type, out bool synthesized)
    {
        for (var current = type; current is not null && current.SpecialType is not (SpecialType.System_Object or SpecialType.System_ValueType); current = current.BaseType)
        {
            foreach (var member in current.GetMembers("ToString"))
            {
                if (member is IMethodSymbol { IsOverride: true, Parameters.Length: 0, IsStatic: false } toString)
                {
                    synthesized = toString.IsImplicitlyDeclared;
                    return true;
                }
            }
        }

        synthesized = false;
        return false;
    }

    private static bool HasCountProperty(ITypeSymbol type)
    {
        for (var current = type; current is not null; current = current.BaseType)
        {
            foreach (var member in current.GetMembers("Count"))
            {
                if (member is IPropertySymbol { IsStatic: false, DeclaredAccessibility: Accessibility.Public, Type.SpecialType: SpecialType.System_Int32, Parameters.Length: 0, GetMethod: not null })
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static bool ContainsTypeParameter(ITypeSymbol type) => type switch
    {
        ITypeParameterSymbol => true,
        IArrayTypeSymbol array => ContainsTypeParameter(array.ElementType),
        INamedTypeSymbol named => named.TypeArguments.Any(ContainsTypeParameter) || (named.ContainingType is { } outer && ContainsTypeParameter(outer)),
        _ => false,
    };

    private static bool IsObsolete(INamedTypeSymbol type)
    {
        for (INamedTypeSymbol? current = type; current is not null; current = current.ContainingType)
        {
            if (HasAttributeNamed(current.OriginalDefinition, "ObsoleteAttribute"))
            {
                return true;
            }
        }

        return false;
    }

    private static bool HasAttribute(ImmutableArray<AttributeData> attributes, INamedTypeSymbol? attributeType)
    {
        foreach (var attribute in attributes)
        {
            if (attributeType is not null && SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, attributeType))
            {
                return true;
            }
        }

        return false;
    }

    private static bool HasAttributeNamed(ISymbol symbol, string name)
    {
        foreach (var attribute in symbol.GetAttributes())
        {
            if (attribute.AttributeClass?.Name == name)
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsFramework(INamedTypeSymbol type)
    {
        var root = type.ContainingNamespace;
        while (root is { ContainingNamespace.IsGlobalNamespace: false })
        {
            root = root.ContainingNamespace;
        }

        return root is { IsGlobalNamespace: false, Name: "System" or "Microsoft" };
    }
}
