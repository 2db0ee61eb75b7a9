using Instrumentor.Analyzers.Project;

namespace Instrumentor.Analyzers.Tests.Project;

public sealed class InterceptorsNamespacesOptionTests
{
    [TestCase("Instrumentor.Generated", true)]
    [TestCase(";Microsoft.Extensions.Validation.Generated;Instrumentor.Generated", true)]
    [TestCase("A.Generated, Instrumentor.Generated", true)]
    [TestCase(" Instrumentor ", true)]
    [TestCase("global", true)]
    [TestCase("", false)]
    [TestCase(null, false)]
    [TestCase(";;", false)]
    [TestCase("Instrumentor.Generated.Inner", false)]
    [TestCase("Instrumentor.Gen", false)]
    [TestCase("instrumentor.generated", false)]
    public void List_enables_the_generated_namespace_only_when_it_names_it_or_an_enclosing_namespace(string? value, bool expected) =>
        InterceptorsNamespacesOption.Lists(value).ShouldBe(expected);
}
