using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Diagnostics;
using System.Linq;
using System.Threading.Tasks;
using Instrumentor.Analyzers.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Instrumentor.Analyzers.Tests.Measurement;

/// <summary>
/// Measures what the analyzers cost on a 1,000-method project and prints it (docs/rules/README.md records the
/// numbers). Time is printed, never asserted: the assertions are about the diagnostics found.
/// </summary>
[Category("Measurement")]
public sealed class AnalyzerCostMeasurementTests
{
    private const int WarmRuns = 5;

    [TestCase("Instrumentor.Generated", 0, TestName = "Analyzers_on_1000_monitored_methods_in_a_configured_project_find_exactly_the_planted_issues")]
    [TestCase("", 1, TestName = "Analyzers_on_1000_monitored_methods_without_interceptors_enabled_also_report_INSTR003_once")]
    public async Task Measure(string interceptorsNamespaces, int expectedInstr003)
    {
        var analyzers = AllAnalyzers();
        var options = new AnalyzerOptions(
            ImmutableArray<AdditionalText>.Empty,
            new GlobalOptionsProvider(new Dictionary<string, string> { ["build_property.InterceptorsNamespaces"] = interceptorsNamespaces }));

        // The first run pays for JIT and symbol loading; later runs are what a warm compiler server sees, and their
        // median smooths out tiered compilation and garbage collections.
        var runs = new List<AnalyzerRun>();
        for (var i = 0; i < 1 + WarmRuns; i++)
        {
            runs.Add(await AnalyzeAsync(analyzers, options));
        }

        PrintCold(runs[0]);
        PrintWarmMedian(runs.Skip(1).ToList());
        foreach (var run in runs)
        {
            run.CompilerErrors.ShouldBeEmpty();
            Count(run, DiagnosticIds.UntracedReference).ShouldBe(LoadProject.ExpectedMethodGroups);
            Count(run, DiagnosticIds.SensitiveParameterCaptured).ShouldBe(LoadProject.ExpectedSensitiveParameters);
            Count(run, DiagnosticIds.InterceptorsNotEnabled).ShouldBe(expectedInstr003);
            run.Diagnostics.Length.ShouldBe(LoadProject.ExpectedMethodGroups + LoadProject.ExpectedSensitiveParameters + expectedInstr003);
        }
    }

    private static ImmutableArray<DiagnosticAnalyzer> AllAnalyzers() => typeof(DiagnosticIds).Assembly.GetTypes()
        .Where(type => !type.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(type))
        .OrderBy(type => type.Name, StringComparer.Ordinal)
        .Select(type => (DiagnosticAnalyzer)Activator.CreateInstance(type)!)
        .ToImmutableArray();

    private static async Task<AnalyzerRun> AnalyzeAsync(ImmutableArray<DiagnosticAnalyzer> analyzers, AnalyzerOptions options)
    {
        var parseOptions = new CSharpParseOptions(LanguageVersion.Latest);
        var trees = LoadProject.MonitoredClasses()
            .Append(LoadProject.CallSites())
            .Append(AttributeSource.Text)
            .Select((text, index) => CSharpSyntaxTree.ParseText(text, parseOptions, path: $"/load/File{index}.cs"));
        var compilation = CSharpCompilation.Create(
            "Load",
            trees,
            TestReferences.Framework,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

        // Compile first, as csc does before its analyzers finish: declarations and attributes are then bound, so each
        // analyzer's time is its own work and not the binding it happened to trigger first.
        var clock = Stopwatch.StartNew();
        var compilerErrors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToImmutableArray();
        var compile = clock.Elapsed;

        var withAnalyzers = compilation.WithAnalyzers(
            analyzers,
            new CompilationWithAnalyzersOptions(options, onAnalyzerException: null, concurrentAnalysis: false, logAnalyzerExecutionTime: true, reportSuppressedDiagnostics: false));

        clock.Restart();
        var diagnostics = await withAnalyzers.GetAnalyzerDiagnosticsAsync();
        var wall = clock.Elapsed;

        var times = new List<(string, TimeSpan)>();
        foreach (var analyzer in analyzers)
        {
            var telemetry = await withAnalyzers.GetAnalyzerTelemetryInfoAsync(analyzer, default);
            times.Add((analyzer.GetType().Name, telemetry.ExecutionTime));
        }

        return new AnalyzerRun(compilerErrors, compile, diagnostics, wall, times);
    }

    private static int Count(AnalyzerRun run, string id) => run.Diagnostics.Count(diagnostic => diagnostic.Id == id);

    private static void PrintCold(AnalyzerRun run)
    {
        TestContext.Out.WriteLine($"[cold] compiler diagnostics: {run.Compile.TotalMilliseconds:F0} ms; GetAnalyzerDiagnosticsAsync (driver + analyzers): {run.Wall.TotalMilliseconds:F0} ms");
        foreach (var (name, time) in run.Times)
        {
            TestContext.Out.WriteLine($"[cold]   {name,-36} {time.TotalMilliseconds,8:F2} ms");
        }

        TestContext.Out.WriteLine($"[cold]   {"all analyzers",-36} {run.Times.Sum(t => t.Time.TotalMilliseconds),8:F2} ms");
    }

    private static void PrintWarmMedian(List<AnalyzerRun> runs)
    {
        TestContext.Out.WriteLine(
            $"[warm, median of {runs.Count}] compiler diagnostics: {Median(runs.Select(r => r.Compile.TotalMilliseconds)):F0} ms; "
            + $"GetAnalyzerDiagnosticsAsync (driver + analyzers): {Median(runs.Select(r => r.Wall.TotalMilliseconds)):F0} ms");
        foreach (var name in runs[0].Times.Select(t => t.Name))
        {
            var median = Median(runs.Select(r => r.Times.Single(t => t.Name == name).Time.TotalMilliseconds));
            TestContext.Out.WriteLine($"[warm]   {name,-36} {median,8:F2} ms");
        }

        TestContext.Out.WriteLine($"[warm]   {"all analyzers",-36} {Median(runs.Select(r => r.Times.Sum(t => t.Time.TotalMilliseconds))),8:F2} ms");
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.OrderBy(value => value).ToArray();
        return sorted[sorted.Length / 2];
    }
}
