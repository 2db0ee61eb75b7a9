using System.Collections.Generic;
using Instrumentor.Testing;

namespace Instrumentor.Generator.Tests.Infrastructure;

/// <summary>Runs <c>App.Entry.Run()</c> of a source without and then with the generator, and returns the spans of the traced run.</summary>
internal static class TracedRun
{
    /// <summary>
    /// Generates <paramref name="source"/> (no generator diagnostic, no compile error), checks that both the plain and
    /// the generated assembly return <paramref name="expected"/> from <c>App.Entry.Run()</c>, and returns what the
    /// traced run recorded.
    /// </summary>
    public static IReadOnlyList<RecordedSpan> Run(string source, string expected)
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
