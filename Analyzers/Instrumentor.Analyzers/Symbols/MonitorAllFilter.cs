using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;

namespace Instrumentor.Analyzers.Symbols;

/// <summary>
/// The method-name filter of one assembly's <c>[assembly: MonitorAll(Include = ..., Exclude = ...)]</c>.
/// </summary>
/// <remarks>
/// A missing or empty Include selects every method (the attribute is named MonitorAll); a missing or empty Exclude
/// excludes none. An invalid pattern never matches, as in the generator; INSTR005 reports it.
/// </remarks>
internal sealed class MonitorAllFilter
{
    /// <summary>The filter of an assembly without <c>[assembly: MonitorAll]</c>: selects nothing.</summary>
    public static readonly MonitorAllFilter None = new(isPresent: false, include: null, includeValid: false, exclude: null);

    private readonly bool _isPresent;
    private readonly Regex? _include;
    private readonly bool _includeValid;
    private readonly Regex? _exclude;

    private MonitorAllFilter(bool isPresent, Regex? include, bool includeValid, Regex? exclude)
    {
        _isPresent = isPresent;
        _include = include;
        _includeValid = includeValid;
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
    public bool Matches(string methodName)
    {
        if (!_isPresent || !_includeValid)
        {
            return false;
        }

        if (_include is not null && !RegexPattern.IsMatch(_include, methodName))
        {
            return false;
        }

        return _exclude is null || !RegexPattern.IsMatch(_exclude, methodName);
    }

    private static MonitorAllFilter From(AttributeData attribute)
    {
        string? include = null;
        string? exclude = null;
        foreach (var argument in attribute.NamedArguments)
        {
            if (argument.Key == "Include")
            {
                include = argument.Value.Value as string;
            }
            else if (argument.Key == "Exclude")
            {
                exclude = argument.Value.Value as string;
            }
        }

        Regex? includeRegex = null;
        var includeValid = string.IsNullOrEmpty(include) || RegexPattern.TryCreate(include!, out includeRegex, out _);
        Regex? excludeRegex = null;
        if (!string.IsNullOrEmpty(exclude))
        {
            // An invalid Exclude pattern matches nothing, so it excludes nothing.
            RegexPattern.TryCreate(exclude!, out excludeRegex, out _);
        }

        return new MonitorAllFilter(isPresent: true, includeRegex, includeValid, excludeRegex);
    }
}
