using System.Linq;
using Instrumentor.Generator.Specs;
using Microsoft.CodeAnalysis;

namespace Instrumentor.Generator.Parser;

/// <summary>
/// Decides whether a method is monitored and with which settings: its own [Monitor] or [TraceTime] first,
/// else a [Monitor] on its containing class or struct (which covers ordinary methods only).
/// </summary>
internal static class MonitorSettingsReader
{
    private static readonly SymbolDisplayFormat s_processNameFormat = new(
        typeQualificationStyle: SymbolDisplayTypeQualificationStyle.NameAndContainingTypesAndNamespaces,
        genericsOptions: SymbolDisplayGenericsOptions.IncludeTypeParameters);

    /// <summary>
    /// The settings of <paramref name="method"/>, or <see langword="null"/> when it is not monitored. An explicit
    /// interface implementation can be monitored too: it is reached through its interface (dispatch wrappers).
    /// </summary>
    public static MonitorSettings? Read(IMethodSymbol method)
    {
        if (method.MethodKind is not (MethodKind.Ordinary or MethodKind.ExplicitInterfaceImplementation))
        {
            return null;
        }

        AttributeData? monitor = AttributeLookup.Find(method.GetAttributes(), KnownNames.MonitorAttributeName);
        if (monitor is not null)
        {
            return FromMonitor(method, monitor);
        }

        if (AttributeLookup.Has(method, KnownNames.TraceTimeAttributeName))
        {
            return Defaults(method, KnownNames.LegacyProcessGroup);
        }

        AttributeData? onType = method.ContainingType is null
            ? null
            : AttributeLookup.Find(method.ContainingType.GetAttributes(), KnownNames.MonitorAttributeName);
        if (onType is not null)
        {
            return FromMonitor(method, onType);
        }

        return FromMonitorAll(method);
    }

    /// <summary>Whether <paramref name="method"/> is monitored by an attribute on itself or its type (not by MonitorAll).</summary>
    public static bool IsMonitoredByAttribute(IMethodSymbol method) =>
        AttributeLookup.Has(method, KnownNames.MonitorAttributeName)
        || AttributeLookup.Has(method, KnownNames.TraceTimeAttributeName)
        || (method.ContainingType is not null && AttributeLookup.Has(method.ContainingType, KnownNames.MonitorAttributeName));

    /// <summary><c>[assembly: MonitorAll(Include, Exclude, ProcessGroup)]</c>: name patterns evaluated at compile time.</summary>
    private static MonitorSettings? FromMonitorAll(IMethodSymbol method)
    {
        if (method.IsImplicitlyDeclared || method.ContainingAssembly is null || method.ContainingType is null
            || method.ContainingType.IsImplicitlyDeclared)
        {
            return null;
        }

        AttributeData? all = AttributeLookup.Find(method.ContainingAssembly.GetAttributes(), KnownNames.MonitorAllAttributeName);
        if (all is null)
        {
            return null;
        }

        string? include = null, exclude = null, group = null;
        foreach (var argument in all.NamedArguments)
        {
            switch (argument.Key)
            {
                case "Include": include = argument.Value.Value as string; break;
                case "Exclude": exclude = argument.Value.Value as string; break;
                case "ProcessGroup": group = argument.Value.Value as string; break;
            }
        }

        // Invalid patterns match nothing here; the analyzers report them (INSTR005).
        if (include is null || !NamePatterns.Matches(include, method.Name) || (exclude is not null && NamePatterns.Matches(exclude, method.Name)))
        {
            return null;
        }

        MonitorSettings settings = Defaults(method, group);
        foreach (var argument in all.NamedArguments)
        {
            settings = ReadCapture(settings, argument.Key, argument.Value);
        }

        return settings;
    }

    /// <summary>The capture settings shared by [Monitor] and [MonitorAll]: Serializer, JsonContext, SensitiveNames.</summary>
    private static MonitorSettings ReadCapture(MonitorSettings settings, string name, TypedConstant value) => name switch
    {
        "Serializer" when value.Value is int serializer && serializer is >= 0 and <= 3 => settings with { Serializer = (SerializerKind)serializer },
        // Only a JsonSerializerContext has the Default instance the helper uses; anything else falls back to Smart (INSTR011).
        "JsonContext" when value.Value is ITypeSymbol context && IsJsonContext(context) => settings with { JsonContext = context.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat) },
        "SensitiveNames" when value.Kind == TypedConstantKind.Array && !value.IsNull => settings with
        {
            SensitiveNames = EquatableArray.From(value.Values.Select(static v => v.Value as string).Where(static v => !string.IsNullOrWhiteSpace(v)).Select(static v => v!)),
        },
        _ => settings,
    };

    private static bool IsJsonContext(ITypeSymbol type)
    {
        for (ITypeSymbol? current = type.BaseType; current is not null; current = current.BaseType)
        {
            if (current.Name == "JsonSerializerContext" && current.ContainingNamespace?.ToDisplayString() == "System.Text.Json.Serialization")
            {
                return true;
            }
        }

        return false;
    }

    private static MonitorSettings Defaults(IMethodSymbol method, string? group) =>
        new(DefaultProcessName(method), group, 1.0, true, true, KnownNames.DefaultMaxLength);

    private static MonitorSettings FromMonitor(IMethodSymbol method, AttributeData attribute)
    {
        MonitorSettings settings = Defaults(method, null);
        foreach (var argument in attribute.NamedArguments)
        {
            // An array argument (SensitiveNames) has no Value: reading it throws.
            object? value = argument.Value.Kind == TypedConstantKind.Array ? null : argument.Value.Value;
            settings = argument.Key switch
            {
                "ProcessGroup" => settings with { ProcessGroup = value as string },
                "SampleRate" when value is double rate => settings with { SampleRate = rate },
                "CaptureArgs" when value is bool capture => settings with { CaptureArgs = capture },
                "CaptureResult" when value is bool capture => settings with { CaptureResult = capture },
                "MaxLength" when value is int length => settings with { MaxLength = length },
                "Name" when value is string { Length: > 0 } name => settings with { ProcessName = name },
                _ => ReadCapture(settings, argument.Key, argument.Value),
            };
        }

        return settings;
    }

    private static string DefaultProcessName(IMethodSymbol method) =>
        method.ContainingType.ToDisplayString(s_processNameFormat) + "." + method.Name;
}
