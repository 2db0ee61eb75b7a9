using System.Linq;
using Instrumentor.Generator.Tests.Infrastructure;
using Instrumentor.Testing;
using Microsoft.CodeAnalysis;

namespace Instrumentor.Generator.Tests;

/// <summary>A project that references a monitored library (and the package) intercepts its calls into it.</summary>
[NonParallelizable]
public class CrossAssemblyTests
{
    private const string Library = """
        using Instrumentor;
        namespace Lib;
        public class Pricing
        {
            [Monitor(ProcessGroup = "lib")] public decimal Price(int quantity, string password) => quantity * 2.5m;
            public decimal Unmonitored(int quantity) => quantity;
        }
        """;

    private const string App = """
        namespace App;
        public static class Entry
        {
            public static decimal Run()
            {
                var pricing = new Lib.Pricing();
                return pricing.Price(4, "secret") + pricing.Unmonitored(1);
            }
        }
        """;

    [Test]
    public void Calls_into_a_referenced_monitored_library_are_intercepted_with_the_library_settings()
    {
        var library = GeneratorHarness.Compile("Lib", OutputKind.DynamicallyLinkedLibrary, System.Array.Empty<MetadataReference>(), Library);
        MetadataReference libraryReference = MetadataReference.CreateFromImage(SampleAssembly.EmitToImage(library));
        GeneratorResult app = GeneratorHarness.Run(GeneratorHarness.Compile("App", OutputKind.DynamicallyLinkedLibrary, new[] { libraryReference }, App));

        app.CompilationProblems.ShouldBeEmpty();
        app.GeneratedSource.ShouldNotBeNull().ShouldContain("global::Lib.Pricing __receiver");

        using TracingScope tracing = TracingScope.Start();
        using var sample = SampleAssembly.Load(app.Output, library);
        sample.Invoke("App.Entry", "Run").ShouldBe(11m);

        RecordedSpan span = tracing.Flush().ShouldHaveSingleItem();
        span.Process.ShouldBe("Lib.Pricing.Price");
        span.ProcessGroup.ShouldBe("lib");
        span.Inputs["password"].ShouldBe("***");
        span.Result.ShouldBe("10.0");
    }
}
