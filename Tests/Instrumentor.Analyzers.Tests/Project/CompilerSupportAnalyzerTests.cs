using System;
using System.Threading.Tasks;
using Instrumentor.Analyzers.Project;
using Instrumentor.Analyzers.Tests.Infrastructure;
using Microsoft.CodeAnalysis.Testing;

namespace Instrumentor.Analyzers.Tests.Project;

public sealed class CompilerSupportAnalyzerTests
{
    private const string MonitoredMethod = """
        using Instrumentor;
        class Pricing
        {
            [Monitor] public int Price(int quantity) => quantity;
        }
        """;

    private static Task RunAsync(string source, Version roslyn, bool hasApi, params DiagnosticResult[] expected) =>
        new InstrumentorAnalyzerTest<CompilerSupportAnalyzer>(source, expected)
        {
            CreateAnalyzer = () => new CompilerSupportAnalyzer(roslyn, hasApi),
        }.RunAsync();

    [Test]
    public Task Roslyn_older_than_4_11_is_reported_once_with_its_version() =>
        RunAsync(
            MonitoredMethod + "\nclass Other { [Monitor] public void Run() { } }",
            new Version(4, 10, 0, 0),
            hasApi: false,
            new DiagnosticResult(DiagnosticDescriptors.CompilerTooOld).WithArguments("4.10.0.0"));

    [Test]
    public Task Roslyn_without_GetInterceptableLocation_is_reported() =>
        RunAsync(
            MonitoredMethod,
            new Version(4, 11, 0, 0),
            hasApi: false,
            new DiagnosticResult(DiagnosticDescriptors.CompilerTooOld).WithArguments("4.11.0.0"));

    [Test]
    public Task Old_compiler_is_not_reported_when_nothing_is_monitored() =>
        RunAsync("class Pricing { public int Price(int quantity) => quantity; }", new Version(4, 8), hasApi: false);

    [Test]
    public Task Supported_compiler_is_not_reported() =>
        RunAsync(MonitoredMethod, new Version(4, 11), hasApi: true);

    [Test]
    public Task Compiler_running_these_tests_is_not_reported() =>
        Verify<CompilerSupportAnalyzer>.AnalyzerAsync(MonitoredMethod);

    [TestCase(4, 10, true, false)]
    [TestCase(4, 11, false, false)]
    [TestCase(4, 11, true, true)]
    [TestCase(5, 9, true, true)]
    public void Interceptors_need_Roslyn_4_11_and_GetInterceptableLocation(int major, int minor, bool hasApi, bool supported) =>
        CompilerSupport.SupportsInterceptors(new Version(major, minor), hasApi).ShouldBe(supported);

    [Test]
    public void Loaded_compiler_is_detected_by_reflection()
    {
        CompilerSupport.HasInterceptableLocationApi.ShouldBeTrue();
        CompilerSupport.RunningVersion.ShouldBeGreaterThanOrEqualTo(CompilerSupport.MinimumVersion);
    }
}
