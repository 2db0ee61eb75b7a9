using System.Net.Http;
using System.Net.Http.Headers;
using System.Threading.Tasks;
using Instrumentor.Collector.Tests.Infrastructure;

namespace Instrumentor.Collector.Tests.Auth;

public class AccessPolicyTests
{
    [Test]
    public async Task With_api_keys_ingest_needs_one_of_them_and_a_refusal_stores_nothing()
    {
        await using RunningCollector collector = await RunningCollector.StartAsync(o => o with { ApiKeys = ["key-one", "key-two"] });

        using HttpResponseMessage none = await collector.PostJsonAsync("/v1/uploads", Events.Batch(2));
        using HttpResponseMessage wrong = await collector.PostJsonAsync("/v1/uploads", Events.Batch(2), key: "key-three");
        using HttpResponseMessage logs = await collector.PostJsonAsync("/api/ingest", "[{\"event\":\"x\"}]", key: "key-on");
        await ProblemAssert.IsProblem(none, 401);
        none.Headers.WwwAuthenticate.ToString().ShouldBe("Bearer");
        await ProblemAssert.IsProblem(wrong, 401);
        await ProblemAssert.IsProblem(logs, 401);
        collector.CountSpans().ShouldBe(0);
        collector.CountLogs().ShouldBe(0);

        using HttpResponseMessage right = await collector.PostJsonAsync("/v1/uploads", Events.Batch(2), key: "key-two");
        ((int)right.StatusCode).ShouldBe(200);
        collector.CountSpans().ShouldBe(2);
    }

    [Test]
    public async Task With_api_keys_and_no_read_key_the_query_api_takes_an_api_key()
    {
        await using RunningCollector collector = await RunningCollector.StartAsync(o => o with { ApiKeys = ["key-one"] });

        using HttpResponseMessage anonymous = await collector.Client.GetAsync("/api/spans");
        await ProblemAssert.IsProblem(anonymous, 401);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/spans");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "key-one");
        using HttpResponseMessage keyed = await collector.Client.SendAsync(request);
        ((int)keyed.StatusCode).ShouldBe(200);
        using HttpResponseMessage health = await collector.Client.GetAsync("/healthz");
        ((int)health.StatusCode).ShouldBe(200);
    }

    [Test]
    public async Task A_read_key_protects_the_query_api_and_not_ingest()
    {
        await using RunningCollector collector = await RunningCollector.StartAsync(o => o with { ReadKey = "reader" });

        using HttpResponseMessage ingest = await collector.PostJsonAsync("/v1/uploads", Events.Batch(1));
        ((int)ingest.StatusCode).ShouldBe(200);
        using HttpResponseMessage anonymous = await collector.Client.GetAsync("/api/status");
        await ProblemAssert.IsProblem(anonymous, 401);
        using HttpResponseMessage live = await collector.Client.GetAsync("/api/live");
        await ProblemAssert.IsProblem(live, 401);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/status");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "reader");
        using HttpResponseMessage keyed = await collector.Client.SendAsync(request);
        ((int)keyed.StatusCode).ShouldBe(200);
    }

    [Test]
    public void Without_keys_the_server_refuses_a_non_loopback_address()
    {
        var options = new Hosting.CollectorOptions { Urls = "http://0.0.0.0:0", Database = "never-created.db" };

        var e = Should.Throw<System.InvalidOperationException>(() => Hosting.CollectorServer.StartAsync(options));

        e.Message.ShouldContain("refusing to listen on http://0.0.0.0:0 without an API key");
        System.IO.File.Exists("never-created.db").ShouldBeFalse();
    }
}
