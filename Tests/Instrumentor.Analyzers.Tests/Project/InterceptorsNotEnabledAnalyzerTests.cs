using System.Threading.Tasks;
using Instrumentor.Analyzers.Project;
using Instrumentor.Analyzers.Tests.Infrastructure;
using Microsoft.CodeAnalysis.Testing;

namespace Instrumentor.Analyzers.Tests.Project;

public sealed class InterceptorsNotEnabledAnalyzerTests
{
    private const string MonitoredMethod = """
        using Instrumentor;
        class Pricing
        {
            [Monitor] public int Price(int quantity) => quantity;
        }
        """;

    private static readonly DiagnosticResult s_notEnabled = new(DiagnosticDescriptors.InterceptorsNotEnabled);

    private static Task RunAsync(string source, string? globalConfig, params DiagnosticResult[] expected)
    {
        var test = new InstrumentorAnalyzerTest<InterceptorsNotEnabledAnalyzer>(source, expected);
        if (globalConfig is not null)
        {
            test.WithGlobalConfig(globalConfig);
        }

        return test.RunAsync();
    }

    [Test]
    public Task Property_without_the_generated_namespace_is_reported_once() =>
        RunAsync(
            MonitoredMethod + "\nclass Other { [Monitor] public void Run() { } }",
            "build_property.InterceptorsNamespaces = Microsoft.AspNetCore.Http.Generated",
            s_notEnabled);

    [Test]
    public Task Visible_but_empty_property_is_reported() =>
        RunAsync(MonitoredMethod, "build_property.InterceptorsNamespaces = ", s_notEnabled);

    [Test]
    public Task Property_listing_the_generated_namespace_is_not_reported() =>
        RunAsync(MonitoredMethod, "build_property.InterceptorsNamespaces = Instrumentor.Generated");

    [Test]
    public Task Comma_separated_and_padded_lists_are_understood() =>
        RunAsync(MonitoredMethod, "build_property.InterceptorsNamespaces = Other.Generated , Instrumentor.Generated ");

    [TestCase("Instrumentor")]
    [TestCase("global")]
    public Task Enclosing_namespace_or_global_enables_the_generated_namespace(string listed) =>
        RunAsync(MonitoredMethod, "build_property.InterceptorsNamespaces = " + listed);

    [Test]
    public Task Namespace_that_only_shares_a_prefix_does_not_enable_it() =>
        RunAsync(MonitoredMethod, "build_property.InterceptorsNamespaces = Instrument;Instrumentor.Gen", s_notEnabled);

    [Test]
    public Task Preview_property_listing_the_generated_namespace_is_not_reported() =>
        RunAsync(
            MonitoredMethod,
            "build_property.InterceptorsNamespaces = \nbuild_property.InterceptorsPreviewNamespaces = Instrumentor.Generated");

    [Test]
    public Task Compiler_feature_listing_the_generated_namespace_is_not_reported() =>
        // A real build passes the whole semicolon-separated list as a compiler feature, while the editorconfig copy
        // of the property stops at the first ';' (a comment character there): the feature is the reliable source.
        new InstrumentorAnalyzerTest<InterceptorsNotEnabledAnalyzer>(MonitoredMethod)
            .WithGlobalConfig("build_property.InterceptorsNamespaces = ")
            .WithFeature("InterceptorsNamespaces", ";Other.Generated;Instrumentor.Generated;;Microsoft.Extensions.Validation.Generated")
            .RunAsync();

    [Test]
    public Task Compiler_feature_alone_makes_the_setting_visible() =>
        new InstrumentorAnalyzerTest<InterceptorsNotEnabledAnalyzer>(MonitoredMethod, s_notEnabled)
            .WithFeature("InterceptorsNamespaces", ";Microsoft.Extensions.Validation.Generated")
            .RunAsync();

    [Test]
    public Task Property_that_is_not_visible_is_not_reported() =>
        RunAsync(MonitoredMethod, globalConfig: null);

    [Test]
    public Task Project_that_monitors_nothing_is_not_reported() =>
        RunAsync("class Pricing { public int Price(int quantity) => quantity; }", "build_property.InterceptorsNamespaces = ");

    [TestCase("using Instrumentor; class Legacy { [TraceTime] public void Run() { } }")]
    [TestCase("using Instrumentor; [assembly: MonitorAll(Include = \"^Process\")]")]
    [TestCase("using Instrumentor; [Monitor] struct Pricing { }")]
    public Task TraceTime_MonitorAll_and_monitored_types_count_as_uses(string source) =>
        RunAsync(source, "build_property.InterceptorsNamespaces = ", s_notEnabled);

    [Test]
    public Task Call_to_a_monitored_method_of_a_referenced_library_is_reported()
    {
        var test = new InstrumentorAnalyzerTest<InterceptorsNotEnabledAnalyzer>(
            "class App { int Run() => new Pricing().Price(2); }",
            s_notEnabled);

        // The attributes and the monitored method live in the library; the application only calls it.
        test.TestState.Sources.RemoveAt(1);
        var library = test.TestState.AdditionalProjects["Library"];
        library.Sources.Add((AttributeSource.FileName, AttributeSource.Text));
        library.Sources.Add(("Pricing.cs", "using Instrumentor; public class Pricing { [Monitor] public int Price(int quantity) => quantity; }"));
        library.AdditionalReferences.AddRange(TestReferences.Framework);
        test.TestState.AdditionalProjectReferences.Add("Library");
        return test.WithGlobalConfig("build_property.InterceptorsNamespaces = ").RunAsync();
    }
}
