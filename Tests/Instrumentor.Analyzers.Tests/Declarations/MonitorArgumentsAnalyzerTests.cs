using System.Threading.Tasks;
using Instrumentor.Analyzers.Declarations;
using Instrumentor.Analyzers.Tests.Infrastructure;
using Microsoft.CodeAnalysis.Testing;

namespace Instrumentor.Analyzers.Tests.Declarations;

public sealed class MonitorArgumentsAnalyzerTests
{
    private static DiagnosticResult SampleRate(string value, int markup = 0) =>
        Verify<MonitorArgumentsAnalyzer>.Diagnostic(DiagnosticDescriptors.SampleRateOutOfRange, markup).WithArguments(value);

    private static DiagnosticResult MaxLength(string value, int markup = 0) =>
        Verify<MonitorArgumentsAnalyzer>.Diagnostic(DiagnosticDescriptors.MaxLengthTooSmall, markup).WithArguments(value);

    [Test]
    public Task SampleRate_above_one_is_reported_on_the_named_argument() =>
        Verify<MonitorArgumentsAnalyzer>.AnalyzerAsync(
            """
            using Instrumentor;
            class Pricing
            {
                [Monitor(ProcessGroup = "pricing", {|#0:SampleRate = 1.5|})] public int Price() => 1;
            }
            """,
            SampleRate("1.5"));

    [Test]
    public Task Negative_and_NaN_SampleRate_are_reported() =>
        Verify<MonitorArgumentsAnalyzer>.AnalyzerAsync(
            """
            using Instrumentor;
            class Pricing
            {
                [Monitor({|#0:SampleRate = -0.1|})] public int Price() => 1;
                [Monitor({|#1:SampleRate = double.NaN|})] public int Tax() => 1;
            }
            """,
            SampleRate("-0.1"),
            SampleRate("NaN", 1));

    [Test]
    public Task SampleRate_on_a_type_is_checked_too() =>
        Verify<MonitorArgumentsAnalyzer>.AnalyzerAsync(
            """
            using Instrumentor;
            [Monitor({|#0:SampleRate = 2|})]
            class Pricing { public int Price() => 1; }
            """,
            SampleRate("2"));

    [Test]
    public Task SampleRate_bounds_and_defaults_are_accepted() =>
        Verify<MonitorArgumentsAnalyzer>.AnalyzerAsync(
            """
            using Instrumentor;
            [Monitor(SampleRate = 0)]
            class Pricing
            {
                [Monitor(SampleRate = 1)] public int Price() => 1;
                [Monitor(SampleRate = 0.25, MaxLength = 1)] public int Tax() => 1;
                [Monitor] public int Discount() => 1;
                [TraceTime] public int Legacy() => 1;
            }
            """);

    [Test]
    public Task MaxLength_below_one_is_reported() =>
        Verify<MonitorArgumentsAnalyzer>.AnalyzerAsync(
            """
            using Instrumentor;
            class Pricing
            {
                [Monitor({|#0:MaxLength = 0|})] public int Price() => 1;
                [Monitor(SampleRate = 0.5, {|#1:MaxLength = -10|})] public int Tax() => 1;
            }
            """,
            MaxLength("0"),
            MaxLength("-10", 1));

    [Test]
    public Task Both_errors_on_one_attribute_are_reported_separately() =>
        Verify<MonitorArgumentsAnalyzer>.AnalyzerAsync(
            """
            using Instrumentor;
            class Pricing
            {
                [Monitor({|#0:SampleRate = 3|}, {|#1:MaxLength = 0|})] public int Price() => 1;
            }
            """,
            SampleRate("3"),
            MaxLength("0", 1));

    [Test]
    public Task Invalid_values_on_local_functions_are_reported() =>
        Verify<MonitorArgumentsAnalyzer>.AnalyzerAsync(
            """
            using Instrumentor;
            class Pricing
            {
                int Total()
                {
                    return Add(1, 2);

                    [Monitor({|#0:SampleRate = 7|})] static int Add(int a, int b) => a + b;
                }
            }
            """,
            SampleRate("7"));
}
