using System;
using System.Collections.Immutable;
using System.Linq;
using BenchmarkDotNet.Attributes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Instrumentor.Benchmarks.Generator;

/// <summary>
/// The interceptor generator on 1,000 [Monitor] methods with 1,000 call sites: a first run on a fresh compilation
/// (what a clean build pays, including binding the call sites the generator inspects), and a second run after an
/// unrelated edit (what each keystroke in the IDE or an incremental build pays).
/// </summary>
[MemoryDiagnoser]
public class GeneratorBenchmarks
{
    private SyntheticProject? _project;
    private CSharpCompilation? _compilation;
    private GeneratorDriver? _warmDriver;

    [Params(1_000)]
    public int Methods { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _project = new SyntheticProject(Methods);
        _compilation = _project.Compile();
        _warmDriver = SyntheticProject.CreateDriver(trackSteps: false).RunGenerators(_compilation);
        Verify();
    }

    /// <summary>A clean build: new driver, new compilation.</summary>
    [Benchmark]
    public GeneratorDriver FirstRun() => SyntheticProject.CreateDriver(trackSteps: false).RunGenerators(_project!.Compile());

    /// <summary>An incremental run: the driver that already ran, on the compilation with one unrelated file edited.</summary>
    [Benchmark]
    public GeneratorDriver SecondRunAfterUnrelatedEdit() =>
        _warmDriver!.RunGenerators(_compilation!.ReplaceSyntaxTree(_project!.Unrelated, _project.EditedUnrelated));

    /// <summary>
    /// Reference: what the compiler itself pays to bind the same (edited) project, without the generator: a generator
    /// run that re-binds every call site costs about as much as this.
    /// </summary>
    [Benchmark]
    public int CompilerBindingOnly() =>
        _compilation!.ReplaceSyntaxTree(_project!.Unrelated, _project.EditedUnrelated).GetDiagnostics().Length;

    /// <summary>Checks the output once: one interceptor per method, it compiles, and the edited run is fully cached.</summary>
    private void Verify()
    {
        GeneratorDriver tracked = SyntheticProject.CreateDriver(trackSteps: true).RunGenerators(_compilation!);
        GeneratorRunResult first = tracked.GetRunResult().Results.Single();
        string source = first.GeneratedSources.Single().SourceText.ToString();
        int interceptors = source.Split("InterceptsLocation(1,").Length - 1;
        if (interceptors != Methods || first.Diagnostics.Length != 0)
        {
            throw new InvalidOperationException($"expected {Methods} interceptors and no diagnostic, got {interceptors} and {first.Diagnostics.Length}");
        }

        tracked.RunGeneratorsAndUpdateCompilation(_compilation!, out Compilation output, out _);
        ImmutableArray<Diagnostic> errors = output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToImmutableArray();
        if (errors.Length != 0)
        {
            throw new InvalidOperationException("generated code does not compile: " + errors[0]);
        }

        GeneratorRunResult second = tracked
            .RunGenerators(_compilation!.ReplaceSyntaxTree(_project!.Unrelated, _project.EditedUnrelated))
            .GetRunResult().Results.Single();

        // The generator's own steps (TrackingNames in the generator) and its output must all be cached or unchanged.
        // Roslyn's internal steps ("Compilation", "compilationAndGroupedNodes_...") always change with the compilation.
        string[] ownSteps = { "MonitorDeclarations", "TraceTimeDeclarations", "DeclaredTargets", "CallSites", "Interceptors" };
        IncrementalStepRunReason[] reasons = second.TrackedSteps.Where(kv => ownSteps.Contains(kv.Key))
            .SelectMany(kv => kv.Value).SelectMany(s => s.Outputs).Select(o => o.Reason)
            .Concat(second.TrackedOutputSteps.Values.SelectMany(s => s).SelectMany(s => s.Outputs).Select(o => o.Reason))
            .ToArray();
        int notCached = reasons.Count(r => r is not (IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged));
        Console.WriteLine($"// Generator check: {interceptors} interceptors, {source.Length:N0} chars of source, compiles without error; " +
                          $"after an unrelated edit: {reasons.Length} outputs of the generator's steps, {notCached} recomputed.");
        if (notCached != 0)
        {
            throw new InvalidOperationException($"{notCached} step outputs were recomputed after an unrelated edit");
        }
    }
}
