using System.Collections.Generic;
using Instrumentor.Generator.Tests.Infrastructure;
using Instrumentor.Testing;

namespace Instrumentor.Generator.Tests.Capture;

/// <summary>Generates, compiles and runs a sample untraced then traced, and returns the spans it recorded.</summary>
internal static class ValueSerializerRun
{
    public static IReadOnlyList<RecordedSpan> Traced(string source, string expected)
    {
        GeneratorResult result = GeneratorHarness.Run(source);
        result.GeneratorDiagnostics.ShouldBeEmpty();
        result.CompilationProblems.ShouldBeEmpty(result.GeneratedSource);
        using (var untraced = SampleAssembly.Load(result.Input))
        {
            untraced.Invoke("App.Entry", "Run").ShouldBe(expected);
        }

        using TracingScope tracing = TracingScope.Start();
        using var sample = SampleAssembly.Load(result.Output);
        sample.Invoke("App.Entry", "Run").ShouldBe(expected);
        return tracing.Flush();
    }
}
