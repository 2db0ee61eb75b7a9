using Instrumentor.Collector.Auth;

namespace Instrumentor.Collector.Tests.Auth;

public class LoopbackCheckTests
{
    [TestCase("http://127.0.0.1:4318")]
    [TestCase("http://localhost:4318")]
    [TestCase("http://[::1]:4318")]
    [TestCase("https://127.0.0.2:443/")]
    [TestCase("http://127.0.0.1:0;http://localhost:5000")]
    public void Loopback_addresses_are_allowed_without_keys(string urls) => LoopbackCheck.NonLoopback(urls).ShouldBeEmpty();

    [TestCase("http://0.0.0.0:4318", "http://0.0.0.0:4318")]
    [TestCase("http://*:4318", "http://*:4318")]
    [TestCase("http://+:4318", "http://+:4318")]
    [TestCase("http://[::]:4318", "http://[::]:4318")]
    [TestCase("http://127.0.0.1:1;http://10.1.2.3:4318", "http://10.1.2.3:4318")]
    [TestCase("http://collector.example:4318", "http://collector.example:4318")]
    public void Other_addresses_are_reported(string urls, string exposed) => LoopbackCheck.NonLoopback(urls).ShouldBe([exposed]);
}
