using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using Instrumentor.Generator;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Instrumentor.Generator.Tests.Infrastructure;

/// <summary>Compiles C# source with (or without) the generator, against the running runtime and Instrumentor.</summary>
internal static class GeneratorHarness
{
    private static readonly Lazy<ImmutableArray<MetadataReference>> s_references = new(LoadReferences);

    internal static CSharpParseOptions ParseOptions { get; } = new CSharpParseOptions(LanguageVersion.Latest)
        .WithFeatures(new[] { new KeyValuePair<string, string>("InterceptorsNamespaces", "Instrumentor.Generated") });

    /// <summary>The framework assemblies and Instrumentor, which every sample compiles against.</summary>
    internal static ImmutableArray<MetadataReference> References => s_references.Value;

    internal static CSharpCompilation Compile(params string[] sources) => Compile(OutputKind.DynamicallyLinkedLibrary, sources);

    internal static CSharpCompilation Compile(OutputKind kind, params string[] sources) =>
        Compile("Sample", kind, Array.Empty<MetadataReference>(), sources);

    internal static CSharpCompilation Compile(string assemblyName, OutputKind kind, IEnumerable<MetadataReference> extraReferences, params string[] sources) =>
        CSharpCompilation.Create(
            assemblyName,
            sources.Select((source, i) => CSharpSyntaxTree.ParseText(source, ParseOptions, path: $"Source{i}.cs")),
            s_references.Value.AddRange(extraReferences),
            new CSharpCompilationOptions(kind, nullableContextOptions: NullableContextOptions.Enable));

    /// <summary>Runs the generator over an existing compilation.</summary>
    internal static GeneratorResult Run(CSharpCompilation input)
    {
        GeneratorDriver driver = CreateDriver().RunGeneratorsAndUpdateCompilation(input, out Compilation output, out ImmutableArray<Diagnostic> generatorDiagnostics);
        return new GeneratorResult(input, output, generatorDiagnostics, driver.GetRunResult());
    }

    internal static GeneratorDriver CreateDriver() =>
        CSharpGeneratorDriver.Create(
            new[] { new InterceptorGenerator().AsSourceGenerator() },
            parseOptions: ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    /// <summary>Runs the generator; returns the compilation with its output and every diagnostic.</summary>
    internal static GeneratorResult Run(params string[] sources)
    {
        CSharpCompilation input = Compile(sources);
        GeneratorDriver driver = CreateDriver().RunGeneratorsAndUpdateCompilation(input, out Compilation output, out ImmutableArray<Diagnostic> generatorDiagnostics);
        return new GeneratorResult(input, output, generatorDiagnostics, driver.GetRunResult());
    }

    private static ImmutableArray<MetadataReference> LoadReferences()
    {
        string trusted = (string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!;
        return trusted.Split(Path.PathSeparator)
            .Where(path => Path.GetFileName(path).StartsWith("System.", StringComparison.Ordinal)
                           || Path.GetFileName(path) is "mscorlib.dll" or "netstandard.dll" or "Microsoft.Win32.Primitives.dll")
            .Append(typeof(MonitorAttribute).Assembly.Location)
            .Distinct()
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
            .ToImmutableArray();
    }
}

/// <summary>What one generator run produced.</summary>
internal sealed record GeneratorResult(
    Compilation Input,
    Compilation Output,
    ImmutableArray<Diagnostic> GeneratorDiagnostics,
    GeneratorDriverRunResult RunResult)
{
    /// <summary>The generated interceptors file, or null when nothing was generated.</summary>
    public string? GeneratedSource => RunResult.Results.SelectMany(r => r.GeneratedSources)
        .Select(s => s.SourceText.ToString()).SingleOrDefault();

    /// <summary>Errors and warnings of the final compilation (generated code included).</summary>
    public IReadOnlyList<Diagnostic> CompilationProblems => Output.GetDiagnostics()
        .Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
}
