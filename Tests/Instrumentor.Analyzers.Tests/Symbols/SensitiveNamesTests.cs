using Instrumentor.Analyzers.Symbols;

namespace Instrumentor.Analyzers.Tests.Symbols;

public sealed class SensitiveNamesTests
{
    [TestCase("password")]
    [TestCase("userPassword")]
    [TestCase("PASSWD")]
    [TestCase("clientSecret")]
    [TestCase("refresh_token")]
    [TestCase("Api_Key")]
    [TestCase("apiKey")]
    [TestCase("authorizationHeader")]
    [TestCase("credentials")]
    [TestCase("PRIVATE_KEY")]
    [TestCase("ssn")]
    [TestCase("privateKey")]
    [TestCase("api-key")]
    [TestCase("pass_word")]
    public void Default_masked_fragments_match_anywhere_ignoring_case_and_separators(string name) =>
        SensitiveNames.LooksSensitive(name).ShouldBeTrue();

    [TestCase("")]
    [TestCase("user")]
    [TestCase("pass")]
    [TestCase("tok")]
    [TestCase("private")]
    [TestCase("apiUrl")]
    [TestCase("quantity")]
    public void Other_names_do_not_match(string name) =>
        SensitiveNames.LooksSensitive(name).ShouldBeFalse();
}
