using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Instrumentor.Benchmarks.Generator;

/// <summary>
/// A synthetic project: <c>methods</c> [Monitor] methods (10 service classes of 2 int parameters each), one call
/// site per method spread over 10 caller files, and one unrelated file whose edit must leave the generator cached.
/// </summary>
internal sealed class SyntheticProject
{
    internal const string UnrelatedPath = "Unrelated.cs";

    private const int Files = 10;

    internal SyntheticProject(int methods)
    {
        Methods = methods;
        var trees = new List<SyntaxTree>();
        int perFile = (methods + Files - 1) / Files;
        for (int file = 0; file < Files; file++)
        {
            var services = new StringBuilder();
            var callers = new StringBuilder();
            services.AppendLine("using Instrumentor;").AppendLine("namespace App.Services;").AppendLine($"public sealed class Service{file}").AppendLine("{");
            callers.AppendLine("using App.Services;").AppendLine("namespace App.Callers;").AppendLine($"public static class Caller{file}").AppendLine("{");
            callers.AppendLine($"    public static int Run(Service{file} service)").AppendLine("    {").AppendLine("        int sum = 0;");
            for (int m = file * perFile; m < Math.Min(methods, (file + 1) * perFile); m++)
            {
                services.AppendLine($"    [Monitor(ProcessGroup = \"group{m % 7}\")] public int Compute{m}(int a, int b) => a * {m} + b;");
                callers.AppendLine($"        sum += service.Compute{m}(sum, {m});");
            }

            services.AppendLine("}");
            callers.AppendLine("        return sum;").AppendLine("    }").AppendLine("}");
            trees.Add(Parse(services.ToString(), $"Service{file}.cs"));
            trees.Add(Parse(callers.ToString(), $"Caller{file}.cs"));
        }

        Unrelated = Parse(UnrelatedSource(1), UnrelatedPath);
        trees.Add(Unrelated);
        Trees = trees.ToImmutableArray();
        EditedUnrelated = Parse(UnrelatedSource(2), UnrelatedPath);
    }

    internal static CSharpParseOptions ParseOptions { get; } = new CSharpParseOptions(LanguageVersion.Latest)
        .WithFeatures(new[] { new KeyValuePair<string, string>("InterceptorsNamespaces", "Instrumentor.Generated") });

    internal int Methods { get; }

    internal ImmutableArray<SyntaxTree> Trees { get; }

    internal SyntaxTree Unrelated { get; }

    internal SyntaxTree EditedUnrelated { get; }

    internal static ImmutableArray<MetadataReference> References { get; } = LoadReferences();

    /// <summary>A new compilation of the project (nothing bound yet, as at the start of a build).</summary>
    internal CSharpCompilation Compile() =>
        CSharpCompilation.Create(
            "Synthetic",
            Trees,
            References,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

    internal static CSharpGeneratorDriver CreateDriver(bool trackSteps) =>
        CSharpGeneratorDriver.Create(
            new[] { new global::Instrumentor.Generator.InterceptorGenerator().AsSourceGenerator() },
            parseOptions: ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: trackSteps));

    private static SyntaxTree Parse(string source, string path) => CSharpSyntaxTree.ParseText(source, ParseOptions, path: path);

    private static string UnrelatedSource(int value) => $$"""
        namespace App;
        public static class Unrelated
        {
            public static int Value() => {{value}};
        }
        """;

    private static ImmutableArray<MetadataReference> LoadReferences()
    {
        string trusted = (string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!;
        return trusted.Split(Path.PathSeparator)
            .Where(path => Path.GetFileName(path).StartsWith("System.", StringComparison.Ordinal)
                           || Path.GetFileName(path) is "mscorlib.dll" or "netstandard.dll")
            .Append(typeof(MonitorAttribute).Assembly.Location)
            .Distinct()
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
            .ToImmutableArray();
    }
}
