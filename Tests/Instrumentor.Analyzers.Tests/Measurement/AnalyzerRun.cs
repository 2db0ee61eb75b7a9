using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace Instrumentor.Analyzers.Tests.Measurement;

/// <summary>
/// One analysis of the load project: the compiler's errors and time (the baseline), what the analyzers found, the
/// wall time of the analyzer driver, and each analyzer's own execution time.
/// </summary>
internal sealed record AnalyzerRun(
    ImmutableArray<Diagnostic> CompilerErrors,
    TimeSpan Compile,
    ImmutableArray<Diagnostic> Diagnostics,
    TimeSpan Wall,
    List<(string Name, TimeSpan Time)> Times);
