using System.Collections.Generic;
using System.Linq;
using Instrumentor.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Instrumentor.Generator.Tests;

public class IncrementalCachingTests
{
    private const string Monitored = """
        using Instrumentor;
        namespace App;
        public static class Math2
        {
            [Monitor] public static int Square(int x) => x * x;
        }
        """;

    private const string Caller = """
        namespace App;
        public static class Caller
        {
            public static int Call() => Math2.Square(3);
        }
        """;

    private const string Unrelated = """
        namespace App;
        public static class Unrelated
        {
            public static int Value() => 1;
        }
        """;

    [Test]
    public void An_unrelated_edit_leaves_every_step_cached_or_unchanged()
    {
        (GeneratorDriver driver, CSharpCompilation compilation) = FirstRun();
        CSharpCompilation edited = Replace(compilation, "Source2.cs", Unrelated.Replace("=> 1;", "=> 2; // edited"));

        GeneratorRunResult run = driver.RunGenerators(edited).GetRunResult().Results.Single();

        foreach (string step in new[] { TrackingNames.MonitorDeclarations, TrackingNames.DeclaredTargets, TrackingNames.CallSites, TrackingNames.Interceptors })
        {
            Reasons(run, step).ShouldAllBe(r => r == IncrementalStepRunReason.Cached || r == IncrementalStepRunReason.Unchanged, step);
        }

        run.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs)
            .ShouldAllBe(o => o.Reason == IncrementalStepRunReason.Cached || o.Reason == IncrementalStepRunReason.Unchanged);
    }

    [Test]
    public void Editing_the_body_of_a_monitored_method_does_not_regenerate()
    {
        (GeneratorDriver driver, CSharpCompilation compilation) = FirstRun();
        CSharpCompilation edited = Replace(compilation, "Source0.cs", Monitored.Replace("x * x", "x * x + 0"));

        GeneratorRunResult run = driver.RunGenerators(edited).GetRunResult().Results.Single();

        // The declaration is re-read (its file changed) but yields the same spec, so nothing downstream reruns.
        Reasons(run, TrackingNames.MonitorDeclarations).ShouldContain(IncrementalStepRunReason.Unchanged);
        Reasons(run, TrackingNames.Interceptors).ShouldAllBe(r => r == IncrementalStepRunReason.Cached || r == IncrementalStepRunReason.Unchanged);
    }

    [Test]
    public void Changing_the_monitor_settings_regenerates_the_wrapper()
    {
        (GeneratorDriver driver, CSharpCompilation compilation) = FirstRun();
        CSharpCompilation edited = Replace(compilation, "Source0.cs", Monitored.Replace("[Monitor]", "[Monitor(ProcessGroup = \"g\")]"));

        GeneratorDriver after = driver.RunGenerators(edited);
        GeneratorRunResult run = after.GetRunResult().Results.Single();

        Reasons(run, TrackingNames.MonitorDeclarations).ShouldContain(IncrementalStepRunReason.Modified);
        Reasons(run, TrackingNames.Interceptors).ShouldContain(IncrementalStepRunReason.Modified);
        // The call site itself did not change.
        Reasons(run, TrackingNames.CallSites).ShouldAllBe(r => r == IncrementalStepRunReason.Cached || r == IncrementalStepRunReason.Unchanged);
        run.GeneratedSources.Single().SourceText.ToString().ShouldContain("\"g\"");
    }

    [Test]
    public void A_line_shift_above_a_monitored_method_regenerates_its_descriptor_but_no_call_site()
    {
        // The descriptor holds the declaration's line (MonitorSite.SourceLine), so a shift in the declaring file
        // gives a new spec and a new file; call sites in other files are untouched. (Call sites in the shifted
        // file change anyway: the interceptable location hashes the file's text.)
        (GeneratorDriver driver, CSharpCompilation compilation) = FirstRun();
        CSharpCompilation edited = Replace(compilation, "Source0.cs", Monitored.Replace("namespace App;", "namespace App;\n// a comment"));

        GeneratorRunResult run = driver.RunGenerators(edited).GetRunResult().Results.Single();

        Reasons(run, TrackingNames.MonitorDeclarations).ShouldContain(IncrementalStepRunReason.Modified);
        Reasons(run, TrackingNames.CallSites).ShouldAllBe(r => r == IncrementalStepRunReason.Cached || r == IncrementalStepRunReason.Unchanged);
        run.GeneratedSources.Single().SourceText.ToString().ShouldContain("SourceLine = 6,");
    }

    [Test]
    public void A_property_added_to_a_captured_type_regenerates_only_the_wrappers_that_summarize_it()
    {
        const string types = """
            namespace App;
            public sealed class Order { public int Id { get; set; } }
            public sealed class Invoice { public int Number { get; set; } }
            """;
        const string monitored = """
            using Instrumentor;
            namespace App;
            public static class Desk
            {
                [Monitor] public static int Place(Order order) => order.Id;
                [Monitor] public static int Bill(Invoice invoice) => invoice.Number;
                public static int Use() => Place(new Order()) + Bill(new Invoice());
            }
            """;
        CSharpCompilation compilation = GeneratorHarness.Compile(types, monitored);
        GeneratorDriver driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);
        CSharpCompilation edited = Replace(compilation, "Source0.cs", types.Replace("public int Id { get; set; }", "public int Id { get; set; } public string Sku { get; set; } = \"\";"));

        GeneratorRunResult run = driver.RunGenerators(edited).GetRunResult().Results.Single();

        // Place's spec changes (its summary reads Sku now); Bill's is re-read but equal, so it is not new output.
        var declarations = Reasons(run, TrackingNames.MonitorDeclarations).ToList();
        declarations.Count(r => r == IncrementalStepRunReason.Modified).ShouldBe(1);
        declarations.Count(r => r == IncrementalStepRunReason.Unchanged || r == IncrementalStepRunReason.Cached).ShouldBe(1);
        Reasons(run, TrackingNames.CallSites).ShouldAllBe(r => r == IncrementalStepRunReason.Cached || r == IncrementalStepRunReason.Unchanged);
        run.GeneratedSources.Single().SourceText.ToString().ShouldContain("\"Sku\"");
    }

    private static (GeneratorDriver, CSharpCompilation) FirstRun()
    {
        CSharpCompilation compilation = GeneratorHarness.Compile(Monitored, Caller, Unrelated);
        GeneratorDriver driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);
        driver.GetRunResult().Results.Single().GeneratedSources.Length.ShouldBe(1);
        return (driver, compilation);
    }

    private static CSharpCompilation Replace(CSharpCompilation compilation, string path, string source)
    {
        SyntaxTree old = compilation.SyntaxTrees.Single(t => t.FilePath == path);
        return compilation.ReplaceSyntaxTree(old, CSharpSyntaxTree.ParseText(source, GeneratorHarness.ParseOptions, path));
    }

    private static IEnumerable<IncrementalStepRunReason> Reasons(GeneratorRunResult run, string step) =>
        run.TrackedSteps.TryGetValue(step, out var steps)
            ? steps.SelectMany(s => s.Outputs).Select(o => o.Reason)
            : Enumerable.Empty<IncrementalStepRunReason>();
}
