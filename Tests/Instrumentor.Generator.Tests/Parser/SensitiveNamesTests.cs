using Instrumentor.Generator.Parser;

namespace Instrumentor.Generator.Tests.Parser;

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
    public void Sensitive_names_are_masked(string name) => SensitiveNames.Matches(name).ShouldBeTrue();

    [TestCase("user")]
    [TestCase("quantity")]
    [TestCase("publicKey")]
    [TestCase("keyboard")]
    public void Other_names_are_not(string name) => SensitiveNames.Matches(name).ShouldBeFalse();
}
