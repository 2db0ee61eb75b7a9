using System;
using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Instrumentor.Analyzers.Project;

/// <summary>
/// What the analyzer can know about the <c>InterceptorsNamespaces</c> MSBuild property of the project being compiled.
/// </summary>
/// <remarks>
/// Two sources, either of which listing the namespace enables interception:
/// <list type="bullet">
/// <item><description>the parse options' <c>InterceptorsNamespaces</c> feature: the whole list the compiler itself
/// reads (the SDK merges <c>InterceptorsNamespaces</c> and <c>InterceptorsPreviewNamespaces</c> into it, and for
/// net10.0 always sets it);</description></item>
/// <item><description><c>build_property.InterceptorsNamespaces</c> (and the preview variant) from the global analyzer
/// options, visible because the package declares a <c>CompilerVisibleProperty</c>. The SDK writes an empty value when
/// the property is unset; the editorconfig format reads <c>;</c> as a comment, so only the first entry of a list
/// arrives this way.</description></item>
/// </list>
/// When neither is present the analyzer cannot know, and says nothing.
/// </remarks>
internal readonly struct InterceptorsNamespacesOption
{
    /// <summary>The namespace every generated interceptor is declared in.</summary>
    public const string GeneratedNamespace = "Instrumentor.Generated";

    private static readonly string[] s_propertyKeys =
    {
        "build_property.InterceptorsNamespaces",
        "build_property.InterceptorsPreviewNamespaces",
    };

    private static readonly string[] s_featureKeys = { "InterceptorsNamespaces", "InterceptorsPreviewNamespaces" };

    private static readonly char[] s_separators = { ';', ',' };

    private InterceptorsNamespacesOption(bool isVisible, bool enablesInstrumentor)
    {
        IsVisible = isVisible;
        EnablesInstrumentor = enablesInstrumentor;
    }

    /// <summary>Whether the property (or the compiler feature) reached the analyzer at all.</summary>
    public bool IsVisible { get; }

    /// <summary>Whether it lists <see cref="GeneratedNamespace"/> (or a namespace containing it).</summary>
    public bool EnablesInstrumentor { get; }

    /// <summary>Reads the option for <paramref name="compilation"/>.</summary>
    public static InterceptorsNamespacesOption Read(AnalyzerConfigOptions globalOptions, Compilation compilation)
    {
        var visible = false;
        var enabled = false;
        foreach (var key in s_propertyKeys)
        {
            if (globalOptions.TryGetValue(key, out var value))
            {
                visible = true;
                enabled |= Lists(value);
            }
        }

        var features = FirstParseOptions(compilation)?.Features;
        if (features is not null)
        {
            foreach (var key in s_featureKeys)
            {
                if (features.TryGetValue(key, out var value))
                {
                    visible = true;
                    enabled |= Lists(value);
                }
            }
        }

        return new InterceptorsNamespacesOption(visible, enabled);
    }

    /// <summary>
    /// Whether the list <paramref name="namespaces"/> permits interceptors declared in <see cref="GeneratedNamespace"/>:
    /// the compiler accepts the namespace itself, an enclosing one, or <c>global</c> (every namespace).
    /// </summary>
    public static bool Lists(string? namespaces)
    {
        if (string.IsNullOrEmpty(namespaces))
        {
            return false;
        }

        foreach (var entry in namespaces!.Split(s_separators, StringSplitOptions.RemoveEmptyEntries))
        {
            var name = entry.Trim();
            if (name.Length > 0 && IsSameOrEnclosing(name))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsSameOrEnclosing(string name) =>
        string.Equals(name, "global", StringComparison.Ordinal)
        || string.Equals(name, GeneratedNamespace, StringComparison.Ordinal)
        || (GeneratedNamespace.StartsWith(name, StringComparison.Ordinal) && GeneratedNamespace[name.Length] == '.');

    private static ParseOptions? FirstParseOptions(Compilation compilation)
    {
        using IEnumerator<SyntaxTree> trees = compilation.SyntaxTrees.GetEnumerator();
        return trees.MoveNext() ? trees.Current.Options : null;
    }
}
