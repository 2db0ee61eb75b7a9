using Instrumentor.Generator.Specs;
using Microsoft.CodeAnalysis;

namespace Instrumentor.Generator.Parser;

/// <summary>Finds where a monitored method is declared and how C# displays its signature.</summary>
internal static class SourceLocator
{
    // Namespaces omitted and C# keywords for special types: what a reader expects in a span's "source" panel.
    private static readonly SymbolDisplayFormat s_signatureFormat = new(
        globalNamespaceStyle: SymbolDisplayGlobalNamespaceStyle.Omitted,
        typeQualificationStyle: SymbolDisplayTypeQualificationStyle.NameAndContainingTypes,
        genericsOptions: SymbolDisplayGenericsOptions.IncludeTypeParameters,
        memberOptions: SymbolDisplayMemberOptions.IncludeType | SymbolDisplayMemberOptions.IncludeContainingType
                       | SymbolDisplayMemberOptions.IncludeParameters | SymbolDisplayMemberOptions.IncludeRef
                       | SymbolDisplayMemberOptions.IncludeExplicitInterface,
        parameterOptions: SymbolDisplayParameterOptions.IncludeType | SymbolDisplayParameterOptions.IncludeName
                          | SymbolDisplayParameterOptions.IncludeParamsRefOut | SymbolDisplayParameterOptions.IncludeExtensionThis,
        miscellaneousOptions: SymbolDisplayMiscellaneousOptions.UseSpecialTypes
                              | SymbolDisplayMiscellaneousOptions.EscapeKeywordIdentifiers
                              | SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

    /// <summary>
    /// The declaration of <paramref name="method"/>: the file and line of its name as the compiler maps them (a
    /// <c>#line</c> directive and the PathMap apply, as for <c>[CallerFilePath]</c>), or no file for a method of
    /// another assembly; the signature in every case.
    /// </summary>
    public static SourceSpec Locate(IMethodSymbol method, Compilation compilation)
    {
        string signature = method.OriginalDefinition.ToDisplayString(s_signatureFormat);
        foreach (Location location in method.OriginalDefinition.Locations)
        {
            if (!location.IsInSource || location.SourceTree is not { } tree)
            {
                continue;
            }

            FileLinePositionSpan mapped = location.GetMappedLineSpan();
            if (!mapped.IsValid)
            {
                continue;
            }

            // The same normalisation the compiler gives [CallerFilePath]: the mapped path resolved against the
            // file holding the #line directive, then the PathMap prefixes.
            string path = mapped.Path;
            string? normalized = compilation.Options.SourceReferenceResolver?.NormalizePath(path, mapped.HasMappedPath ? tree.FilePath : null);
            return new SourceSpec(normalized ?? path, mapped.StartLinePosition.Line + 1, signature);
        }

        return new SourceSpec(null, 0, signature);
    }
}
