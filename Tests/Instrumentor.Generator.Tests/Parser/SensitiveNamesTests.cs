using Instrumentor.Analyzers.Symbols;

namespace Instrumentor.Generator.Tests.Parser;

/// <summary>The masking rule as the generator applies it (the implementation is shared with the analyzers).</summary>
public class SensitiveNamesTests
{
    [TestCase("password")]
    [TestCase("userPassword")]
    [TestCase("PASSWD")]
    [TestCase("clientSecret")]
    [TestCase("accessToken")]
    [TestCase("api_key")]
    [TestCase("apiKey")]
    [TestCase("ApiKeyHeader")]
    [TestCase("authorization")]
    [TestCase("credentials")]
    [TestCase("private_key")]
    [TestCase("privateKeyPem")]
    [TestCase("ssn")]
    public void Sensitive_names_are_masked(string name) => SensitiveNames.LooksSensitive(name).ShouldBeTrue();

    [TestCase("user")]
    [TestCase("quantity")]
    [TestCase("publicKey")]
    [TestCase("keyboard")]
    public void Other_names_are_not(string name) => SensitiveNames.LooksSensitive(name).ShouldBeFalse();
}
