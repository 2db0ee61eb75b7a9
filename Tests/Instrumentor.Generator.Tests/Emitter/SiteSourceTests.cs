using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Reflection;
using Instrumentor.Generator.Tests.Infrastructure;
using Instrumentor.Runtime;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Instrumentor.Generator.Tests.Emitter;

/// <summary>
/// The site descriptor says where the monitored method is declared (for the collector's span "source"): file and
/// line as the compiler maps them, and the signature as C# displays it.
/// </summary>
public class SiteSourceTests
{
    private const string Pricing = """
        using System.Collections.Generic;
        using Instrumentor;
        namespace App;

        public class PricingService
        {
            [Monitor]
            public decimal PriceOrder(int quantity, decimal unitPrice) => quantity * unitPrice;

            [Monitor] public bool TryFind<T>(string? key, ref int hits, out List<T>? found) { hits++; found = null; return false; }
        }

        public static class Use
        {
            public static object Run()
            {
                var pricing = new PricingService();
                int hits = 0;
                pricing.TryFind<int>("k", ref hits, out _);
                return pricing.PriceOrder(2, 1.5m);
            }
        }
        """;

    [Test]
    public void A_method_of_this_compilation_has_its_file_line_and_signature()
    {
        IReadOnlyDictionary<string, MonitorSite> sites = LoadSites(GeneratorHarness.Run(Pricing).Output);

        MonitorSite price = sites["App.PricingService.PriceOrder"];
        price.SourceFile.ShouldBe("Source0.cs");
        price.SourceLine.ShouldBe(8);
        price.Signature.ShouldBe("decimal PricingService.PriceOrder(int quantity, decimal unitPrice)");

        MonitorSite find = sites["App.PricingService.TryFind"];
        find.SourceLine.ShouldBe(10);
        find.Signature.ShouldBe("bool PricingService.TryFind<T>(string? key, ref int hits, out List<T>? found)");
    }

    [Test]
    public void A_line_directive_maps_the_file_and_line()
    {
        string mapped = Pricing.Replace("    [Monitor]\n    public decimal", "#line 200 \"Pricing/PricingService.cs\"\n    [Monitor]\n    public decimal");
        mapped.ShouldNotBe(Pricing);

        MonitorSite price = LoadSites(GeneratorHarness.Run(mapped).Output)["App.PricingService.PriceOrder"];

        price.SourceFile.ShouldBe("Pricing/PricingService.cs");
        price.SourceLine.ShouldBe(201);
    }

    [Test]
    public void The_path_map_applies_as_for_CallerFilePath()
    {
        string root = OperatingSystem.IsWindows() ? @"C:\build\" : "/build/";
        CSharpCompilation compilation = GeneratorHarness.Compile(Pricing);
        SyntaxTree tree = compilation.SyntaxTrees.Single();
        compilation = compilation
            .ReplaceSyntaxTree(tree, CSharpSyntaxTree.ParseText(Pricing, GeneratorHarness.ParseOptions, root + "src" + System.IO.Path.DirectorySeparatorChar + "Pricing.cs"))
            .WithOptions(compilation.Options.WithSourceReferenceResolver(new SourceFileResolver(
                ImmutableArray<string>.Empty, root, ImmutableArray.Create(new KeyValuePair<string, string>(root, "/_/")))));

        MonitorSite price = LoadSites(GeneratorHarness.Run(compilation).Output)["App.PricingService.PriceOrder"];

        price.SourceFile.ShouldBe("/_/src" + System.IO.Path.DirectorySeparatorChar + "Pricing.cs");
    }

    [Test]
    public void A_method_of_another_assembly_has_a_signature_and_no_file()
    {
        const string library = """
            using Instrumentor;
            namespace Lib;
            public class Pricing
            {
                [Monitor] public decimal Price(int quantity) => quantity * 2.5m;
            }
            """;
        const string app = """
            namespace App;
            public static class Entry
            {
                public static decimal Run() => new Lib.Pricing().Price(4);
            }
            """;
        CSharpCompilation lib = GeneratorHarness.Compile("Lib", OutputKind.DynamicallyLinkedLibrary, Array.Empty<MetadataReference>(), library);
        MetadataReference reference = MetadataReference.CreateFromImage(SampleAssembly.EmitToImage(lib));
        GeneratorResult result = GeneratorHarness.Run(GeneratorHarness.Compile("App", OutputKind.DynamicallyLinkedLibrary, new[] { reference }, app));

        MonitorSite price = LoadSites(result.Output, lib)["Lib.Pricing.Price"];

        price.SourceFile.ShouldBeNull();
        price.SourceLine.ShouldBe(0);
        price.Signature.ShouldBe("decimal Pricing.Price(int quantity)");
    }

    /// <summary>The descriptors of the generated wrappers, by process name, read from the compiled assembly.</summary>
    private static IReadOnlyDictionary<string, MonitorSite> LoadSites(Compilation output, params Compilation[] dependencies)
    {
        output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ShouldBeEmpty();
        using var sample = SampleAssembly.Load(output, dependencies);
        Type interceptors = sample.Assembly.GetTypes().Single(t => t.Name.EndsWith("MonitorInterceptors", StringComparison.Ordinal));
        return interceptors.GetFields(BindingFlags.NonPublic | BindingFlags.Static)
            .Where(f => f.FieldType == typeof(MonitorSite))
            .Select(f => (MonitorSite)f.GetValue(null)!)
            .ToDictionary(s => s.Process);
    }
}
