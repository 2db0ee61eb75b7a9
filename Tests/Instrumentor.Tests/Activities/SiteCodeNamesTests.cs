using Instrumentor.Activities;

namespace Instrumentor.Tests.Activities;

public class SiteCodeNamesTests
{
    [TestCase("decimal PricingService.PriceOrder(int quantity, decimal unitPrice)", "App.Billing.PricingService.PriceOrder",
        "App.Billing.PricingService", "PriceOrder")]
    [TestCase("Dictionary<string, int> Outer.Inner<T>.Count<U>(List<U> items)", "App.Outer.Inner<T>.Count",
        "App.Outer.Inner<T>", "Count")]
    [TestCase("(int a, string b) Svc.Pair((int x, int y) point)", "Lib.Svc.Pair", "Lib.Svc", "Pair")]
    [TestCase("Task<bool> OrderService.ExistsAsync(long id)", "orders.exists", "OrderService", "ExistsAsync")]
    public void The_namespace_comes_from_the_default_process_name_and_the_function_from_the_signature(
        string signature, string process, string expectedNamespace, string expectedFunction)
    {
        SiteCodeNames names = SiteCodeNames.Of(process, signature, ["a", "password"]);

        names.CodeNamespace.ShouldBe(expectedNamespace);
        names.Function.ShouldBe(expectedFunction);
        names.ArgumentTags.ShouldBe(["instrumentor.arg.a", "instrumentor.arg.password"]);
    }

    [TestCase(null, "App.Orders.Place", "App.Orders", "Place")]
    [TestCase("not a signature", "orders", "", "orders")]
    public void Without_a_readable_signature_the_process_name_is_split(string? signature, string process, string expectedNamespace, string expectedFunction)
    {
        SiteCodeNames names = SiteCodeNames.Of(process, signature, []);

        names.CodeNamespace.ShouldBe(expectedNamespace);
        names.Function.ShouldBe(expectedFunction);
    }
}
