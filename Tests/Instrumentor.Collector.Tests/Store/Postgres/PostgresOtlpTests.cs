using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Threading.Tasks;
using Google.Protobuf;
using Instrumentor.Collector.Tests.Infrastructure;
using Instrumentor.Collector.Tests.Otlp;

namespace Instrumentor.Collector.Tests.Store.Postgres;

/// <summary>OTLP/HTTP into <c>serve --postgres</c>: the receiver's spans land in PostgreSQL like any others.</summary>
public class PostgresOtlpTests
{
    [Test]
    public async Task OTLP_spans_are_stored_with_their_parents_and_a_retry_is_stored_once()
    {
        string connection = PostgresServer.NewDatabase("otlp");
        await using RunningCollector collector = await RunningCollector.StartAsync(o => o with { Postgres = connection });
        byte[] body = OtlpEndpointsTests.ProtobufTrace().ToByteArray();

        var database = new PostgresDatabase(connection);

        using HttpResponseMessage json = await collector.PostJsonAsync("/v1/traces", OtlpEndpointsTests.JsonTrace());
        json.StatusCode.ShouldBe(HttpStatusCode.OK, await json.Content.ReadAsStringAsync());
        JsonElement trace = await collector.GetJsonAsync($"/api/traces/{OtlpEndpointsTests.TraceId}");
        JsonElement child = trace.GetProperty("spans").EnumerateArray().Single(s => s.GetProperty("span_id").GetString() == OtlpEndpointsTests.ChildId);
        child.GetProperty("parent_span_id").GetString().ShouldBe(OtlpEndpointsTests.RootId);
        child.GetProperty("status").GetString().ShouldBe("ERR");
        database.Execute("DELETE FROM span;");

        using HttpResponseMessage first = await PostProtobufAsync(collector, body);
        using HttpResponseMessage again = await PostProtobufAsync(collector, body);

        first.StatusCode.ShouldBe(HttpStatusCode.OK);
        again.StatusCode.ShouldBe(HttpStatusCode.OK);
        database.Scalar("SELECT count(*) FROM process_trace;").ShouldBe(2, "the retry stored nothing");
    }

    private static Task<HttpResponseMessage> PostProtobufAsync(RunningCollector collector, byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
        return collector.Client.PostAsync("/v1/traces", content);
    }
}
