using System;
using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace Instrumentor.Analyzers.Tests.Infrastructure;

/// <summary>
/// An analyzer test over one source file plus the Instrumentor attributes, against net10.0. Markup in the source
/// (<c>{|INSTR002:Calc.Square|}</c>) states where each expected diagnostic is.
/// </summary>
internal class InstrumentorAnalyzerTest<TAnalyzer> : CSharpAnalyzerTest<TAnalyzer, DefaultVerifier>
    where TAnalyzer : DiagnosticAnalyzer, new()
{
    public InstrumentorAnalyzerTest(string source, params DiagnosticResult[] expected)
    {
        TestCode = source;
        TestState.Sources.Add((AttributeSource.FileName, AttributeSource.Text));
        ReferenceAssemblies = TestReferences.NoPackage;
        TestState.AdditionalReferences.AddRange(TestReferences.Framework);
        ExpectedDiagnostics.AddRange(expected);
    }

    /// <summary>Builds the analyzer under test; set it to inject a test seam.</summary>
    public Func<DiagnosticAnalyzer> CreateAnalyzer { get; init; } = () => new TAnalyzer();

    /// <summary>Adds a global analyzer config, as the SDK writes for <c>CompilerVisibleProperty</c> items.</summary>
    public InstrumentorAnalyzerTest<TAnalyzer> WithGlobalConfig(string lines)
    {
        TestState.AnalyzerConfigFiles.Add(("/.globalconfig", "is_global = true\n" + lines + "\n"));
        return this;
    }

    /// <summary>Compiles with <c>/unsafe</c>, for function pointers.</summary>
    public InstrumentorAnalyzerTest<TAnalyzer> WithUnsafeCode()
    {
        SolutionTransforms.Add((solution, projectId) => solution.WithProjectCompilationOptions(
            projectId,
            ((CSharpCompilationOptions)solution.GetProject(projectId)!.CompilationOptions!).WithAllowUnsafe(true)));
        return this;
    }

    /// <summary>Compiles with the given parse-option features, as <c>/features:</c> does.</summary>
    public InstrumentorAnalyzerTest<TAnalyzer> WithFeature(string name, string value)
    {
        SolutionTransforms.Add((solution, projectId) => solution.WithProjectParseOptions(
            projectId,
            solution.GetProject(projectId)!.ParseOptions!.WithFeatures(new[] { new KeyValuePair<string, string>(name, value) })));
        return this;
    }

    /// <summary>Compiles as an executable, for top-level statements.</summary>
    public InstrumentorAnalyzerTest<TAnalyzer> AsExecutable()
    {
        TestState.OutputKind = OutputKind.ConsoleApplication;
        return this;
    }

    protected override IEnumerable<DiagnosticAnalyzer> GetDiagnosticAnalyzers()
    {
        yield return CreateAnalyzer();
    }
}
