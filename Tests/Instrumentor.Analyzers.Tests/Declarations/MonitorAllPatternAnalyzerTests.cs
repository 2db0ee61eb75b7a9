using System;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using Instrumentor.Analyzers.Declarations;
using Instrumentor.Analyzers.Tests.Infrastructure;
using Microsoft.CodeAnalysis.Testing;

namespace Instrumentor.Analyzers.Tests.Declarations;

public sealed class MonitorAllPatternAnalyzerTests
{
    private static DiagnosticResult Expected(string property, string pattern, int markup = 0) =>
        Verify<MonitorAllPatternAnalyzer>.Diagnostic(DiagnosticDescriptors.InvalidMonitorAllPattern, markup)
            .WithArguments(property, pattern, RegexError(pattern));

    private static string RegexError(string pattern)
    {
        try
        {
            _ = new Regex(pattern);
        }
        catch (ArgumentException exception)
        {
            return exception.Message;
        }

        throw new InvalidOperationException($"'{pattern}' is a valid pattern");
    }

    [Test]
    public Task Invalid_Include_is_reported_with_the_regex_error() =>
        Verify<MonitorAllPatternAnalyzer>.AnalyzerAsync(
            """
            using Instrumentor;
            [assembly: MonitorAll({|#0:Include = "^(Process|Calculate"|}, Exclude = "Test")]
            """,
            Expected("Include", "^(Process|Calculate"));

    [Test]
    public Task Invalid_Exclude_is_reported() =>
        Verify<MonitorAllPatternAnalyzer>.AnalyzerAsync(
            """
            using Instrumentor;
            [assembly: MonitorAll(Include = "^Process", {|#0:Exclude = "Test)|Helper"|})]
            """,
            Expected("Exclude", "Test)|Helper"));

    [Test]
    public Task Both_invalid_patterns_are_reported() =>
        Verify<MonitorAllPatternAnalyzer>.AnalyzerAsync(
            """
            using Instrumentor;
            [assembly: MonitorAll({|#0:Include = "*"|}, {|#1:Exclude = "a{2,1}"|})]
            """,
            Expected("Include", "*"),
            Expected("Exclude", "a{2,1}", 1));

    [Test]
    public Task Valid_and_absent_patterns_are_not_reported() =>
        Verify<MonitorAllPatternAnalyzer>.AnalyzerAsync(
            """
            using Instrumentor;
            [assembly: MonitorAll(Include = "^(Process|Calculate|Fetch)", Exclude = "Test|Helper", ProcessGroup = "trading")]
            """);

    [Test]
    public Task Assembly_without_MonitorAll_is_not_reported() =>
        Verify<MonitorAllPatternAnalyzer>.AnalyzerAsync(
            """
            [assembly: System.Reflection.AssemblyDescription("(")]
            class C { }
            """);
}
