using System.Threading.Tasks;
using Instrumentor.Analyzers.Declarations;
using Instrumentor.Analyzers.Tests.Infrastructure;
using Microsoft.CodeAnalysis.Testing;

namespace Instrumentor.Analyzers.Tests.Declarations;

public sealed class JsonSerializerAnalyzerTests
{
    private const string Context = """
        public sealed record Invoice(int Number);
        public sealed record Receipt(int Number);
        public sealed record Batch(System.Collections.Generic.List<Receipt> Items);
        [System.Text.Json.Serialization.JsonSerializable(typeof(Invoice))]
        [System.Text.Json.Serialization.JsonSerializable(typeof(Batch))]
        public partial class AppJsonContext : System.Text.Json.Serialization.JsonSerializerContext
        {
            public AppJsonContext() : base(null) { }
            protected override System.Text.Json.JsonSerializerOptions? GeneratedSerializerOptions => null;
            public override System.Text.Json.Serialization.Metadata.JsonTypeInfo? GetTypeInfo(System.Type type) => null;
        }
        """;

    private static DiagnosticResult WithoutContext(string detail = "", int markup = 0) =>
        Verify<JsonSerializerAnalyzer>.Diagnostic(DiagnosticDescriptors.JsonWithoutContext, markup).WithArguments(detail);

    private static DiagnosticResult Lacks(string what, string method, string type, int markup = 0) =>
        Verify<JsonSerializerAnalyzer>.Diagnostic(DiagnosticDescriptors.JsonContextLacksType, markup).WithArguments(what, method, "AppJsonContext", type);

    [Test]
    public Task Json_without_a_context_is_reported_on_the_serializer_argument() =>
        Verify<JsonSerializerAnalyzer>.AnalyzerAsync(
            Context + """
            namespace App
            {
                using Instrumentor;
                class Billing
                {
                    [Monitor({|#0:Serializer = ValueSerializer.Json|})] public int Send(Invoice invoice) => 1;
                }
            }
            """,
            WithoutContext());

    [Test]
    public Task A_context_that_is_not_a_JsonSerializerContext_is_reported_on_MonitorAll_and_on_a_type() =>
        Verify<JsonSerializerAnalyzer>.AnalyzerAsync(
            """
            [assembly: Instrumentor.MonitorAll(Include = "^Handle", {|#0:Serializer = Instrumentor.ValueSerializer.Json|})]
            """ + Context + """
            namespace App
            {
                using Instrumentor;
                [Monitor(Serializer = ValueSerializer.Json, {|#1:JsonContext = typeof(string)|})]
                class Billing { public int Send(Invoice invoice) => 1; }
            }
            """,
            WithoutContext(),
            WithoutContext(" ('string' is not one)", 1));

    [Test]
    public Task A_captured_type_missing_from_the_context_is_reported_for_parameters_and_results() =>
        Verify<JsonSerializerAnalyzer>.AnalyzerAsync(
            Context + """
            namespace App
            {
                using System.Threading.Tasks;
                using Instrumentor;
                class Billing
                {
                    [Monitor(Serializer = ValueSerializer.Json, JsonContext = typeof(AppJsonContext))]
                    public Task<Billing> {|#1:PayAsync|}(Invoice invoice, Batch batch, System.Collections.Generic.Dictionary<string, int> {|#0:totals|}, int count, string note) => null!;
                }
            }
            """,
            Lacks("Parameter 'totals'", "PayAsync", "System.Collections.Generic.Dictionary<string, int>"),
            Lacks("The result", "PayAsync", "App.Billing", 1));

    [Test]
    public Task Declared_reached_masked_and_uncaptured_values_are_not_reported() =>
        Verify<JsonSerializerAnalyzer>.AnalyzerAsync(
            Context + """
            namespace App
            {
                using Instrumentor;
                class Billing
                {
                    // Receipt is reached through Batch.Items; the others are masked, left out or not captured.
                    [Monitor(Serializer = ValueSerializer.Json, JsonContext = typeof(AppJsonContext), SensitiveNames = new[] { "iban" })]
                    [return: Sensitive]
                    public Invoice Pay(Invoice invoice, Receipt receipt, [NotCaptured] Billing self, Billing payerIban, [Sensitive] Billing secret, int[] ids) => invoice;

                    [Monitor(Serializer = ValueSerializer.Json, JsonContext = typeof(AppJsonContext), CaptureArgs = false, CaptureResult = false)]
                    public Billing Quiet(Billing billing) => billing;

                    [Monitor] public Billing Smart(Billing billing) => billing;
                }
            }
            """);
}
