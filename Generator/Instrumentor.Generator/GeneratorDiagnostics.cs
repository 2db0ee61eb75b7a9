using Microsoft.CodeAnalysis;

namespace Instrumentor.Generator;

/// <summary>
/// The one diagnostic the generator reports itself: its own failure (INSTR900). Every user-facing diagnostic
/// lives in the analyzers; this one cannot, because only the generator knows it failed.
/// </summary>
internal static class GeneratorDiagnostics
{
    public static readonly DiagnosticDescriptor InternalError = new(
        id: "INSTR900",
        title: "Instrumentor generator failure",
        messageFormat: "Instrumentor could not generate the tracing wrapper for '{0}': {1}. Calls to it are not traced; please report this.",
        category: "Instrumentor",
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        helpLinkUri: "https://github.com/instrumentor/instrumentor/blob/main/docs/rules/INSTR900.md");
}
