using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;

namespace Instrumentor.Analyzers.Symbols;

/// <summary>
/// The method-name filter of one assembly's <c>[assembly: MonitorAll(Include = ..., Exclude = ...)]</c>, with the
/// generator's semantics: a method is selected when <c>Include</c> is given and matches its name, and <c>Exclude</c>
/// is absent or does not match. Both are regular expressions, so an empty one matches every name.
/// </summary>
/// <remarks>An invalid pattern never matches; INSTR005 makes it a build error.</remarks>
internal sealed class MonitorAllFilter
{
    /// <summary>The filter of an assembly without <c>[assembly: MonitorAll]</c> or without <c>Include</c>: selects nothing.</summary>
    public static readonly MonitorAllFilter None = new(include: null, exclude: null);

    private readonly Regex? _include;
    private readonly Regex? _exclude;

    private MonitorAllFilter(Regex? include, Regex? exclude)
    {
        _include = include;
        _exclude = exclude;
    }

    /// <summary>The filter declared on <paramref name="assembly"/>.</summary>
    public static MonitorAllFilter For(IAssemblySymbol assembly, INamedTypeSymbol? monitorAllType)
    {
        if (monitorAllType is null)
        {
            return None;
        }

        foreach (var attribute in assembly.GetAttributes())
        {
            if (SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, monitorAllType))
            {
                return From(attribute);
            }
        }

        return None;
    }

    /// <summary>Whether a method named <paramref name="methodName"/> is selected.</summary>
    public bool Matches(string methodName) =>
        _include is not null
        && RegexPattern.IsMatch(_include, methodName)
        && (_exclude is null || !RegexPattern.IsMatch(_exclude, methodName));

    private static MonitorAllFilter From(AttributeData attribute)
    {
        Regex? include = null;
        Regex? exclude = null;
        if (AttributeArguments.TryGetNamed(attribute, "Include", out var includeValue)
            && includeValue.Value is string includePattern)
        {
            // An invalid Include leaves the filter empty: nothing is selected.
            RegexPattern.TryCreate(includePattern, out include, out _);
        }

        if (AttributeArguments.TryGetNamed(attribute, "Exclude", out var excludeValue)
            && excludeValue.Value is string excludePattern)
        {
            // An invalid Exclude matches nothing, so it excludes nothing.
            RegexPattern.TryCreate(excludePattern, out exclude, out _);
        }

        return include is null ? None : new MonitorAllFilter(include, exclude);
    }
}
