using System.Threading.Tasks;
using Instrumentor.Analyzers.Declarations;
using Instrumentor.Analyzers.Tests.Infrastructure;

namespace Instrumentor.Analyzers.Tests.Declarations;

public sealed class UncapturedSensitivePropertyAnalyzerTests
{
    [Test]
    public Task A_sensitive_property_of_a_type_no_monitored_method_captures_is_reported() =>
        Verify<UncapturedSensitivePropertyAnalyzer>.AnalyzerAsync(
            """
            using System.Collections.Generic;
            using System.Threading.Tasks;
            using Instrumentor;
            public class Base { [Sensitive] public string Key { get; set; } = ""; }
            public sealed class Order : Base { [Sensitive] public string Pin { get; set; } = ""; }
            public sealed class Receipt { [Sensitive] public string Token { get; set; } = ""; }
            public sealed class Line { [Sensitive] public string Code { get; set; } = ""; }
            public sealed class Draft { [Sensitive] public string {|#0:Secret|} { get; set; } = ""; }
            public static class Shop
            {
                [Monitor] public static Task<Receipt> PlaceAsync(Order order, List<Line> lines) => Task.FromResult(new Receipt());
                public static void Edit(Draft draft) { }
            }
            """,
            Verify<UncapturedSensitivePropertyAnalyzer>.Diagnostic(DiagnosticDescriptors.SensitivePropertyNeverCaptured).WithArguments("Secret", "Draft"));

    [Test]
    public Task Nothing_is_reported_without_sensitive_properties() =>
        Verify<UncapturedSensitivePropertyAnalyzer>.AnalyzerAsync(
            """
            using Instrumentor;
            public sealed class Draft { public string Secret { get; set; } = ""; }
            public static class Shop { [Monitor] public static int Count(int n) => n; }
            """);
}
