using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Net.Http;
using System.Threading.Tasks;
using Instrumentor.IntegrationTests.Infrastructure;
using Instrumentor.IntegrationTests.Monitored;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace Instrumentor.IntegrationTests.Activities;

/// <summary>
/// An <see cref="HttpClient"/> request made inside a monitored call, to a real server on 127.0.0.1: its W3C
/// <c>traceparent</c> carries the monitored call's trace, and the receiving side's span nests under it.
/// </summary>
[NonParallelizable]
public class HttpPropagationTests
{
    private static readonly ActivitySource ServerSource = new("Instrumentor.IntegrationTests.Server");

    [Test]
    public async Task A_request_inside_a_monitored_call_carries_its_traceparent_and_nests_on_the_receiving_side()
    {
        using var temp = new TempDirectory("otel-http");
        string path = temp.Combine("traces.db");
        Monitoring.Shutdown(TimeSpan.FromSeconds(5));
        Monitoring.Configure(o => o.DatabasePath = path);
        var exported = new List<Activity>();
        using TracerProvider provider = Sdk.CreateTracerProviderBuilder()
            .AddSource("Instrumentor", "System.Net.Http", ServerSource.Name)
            .AddInMemoryExporter(exported)
            .Build();
        using var server = new TraceparentServer();
        using var client = new HttpClient();
        try
        {
            (await new BridgedService().FetchAsync(client, server.Url)).ShouldBe("ok");

            string traceparent = (await server.Traceparent.WaitAsync(TimeSpan.FromSeconds(30))).ShouldNotBeNull();
            // The receiving side continues the trace from the header, as an instrumented server does.
            ActivityContext.TryParse(traceparent, null, out ActivityContext remoteParent).ShouldBeTrue(traceparent);
            ServerSource.StartActivity("GET /stock", ActivityKind.Server, remoteParent)!.Stop();

            (await Monitoring.FlushAsync(TimeSpan.FromSeconds(30))).ShouldBeTrue();
            provider.ForceFlush();
            StoredSpan fetch = StoredSpans.Read(path).ShouldHaveSingleItem();
            Activity bridge = exported.Single(a => a.Source.Name == "Instrumentor");
            Activity request = exported.Single(a => a.Source.Name == "System.Net.Http");
            Activity received = exported.Single(a => a.Source.Name == ServerSource.Name);

            bridge.SpanId.ToHexString().ShouldBe(fetch.SpanId);
            remoteParent.TraceId.ToHexString().ShouldBe(fetch.TraceId);
            // HttpClient's own client span sits between the monitored call and the request on the wire.
            request.ParentSpanId.ShouldBe(bridge.SpanId);
            remoteParent.SpanId.ShouldBe(request.SpanId);
            received.TraceId.ToHexString().ShouldBe(fetch.TraceId);
            received.ParentSpanId.ShouldBe(request.SpanId);
            received.Kind.ShouldBe(ActivityKind.Server);
        }
        finally
        {
            Monitoring.Shutdown(TimeSpan.FromSeconds(5));
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        }
    }

    [Test]
    public async Task Without_a_listener_the_traceparent_still_carries_an_activity_current_at_the_call()
    {
        using var temp = new TempDirectory("otel-http-off");
        string path = temp.Combine("traces.db");
        Monitoring.Shutdown(TimeSpan.FromSeconds(5));
        Monitoring.Configure(o => o.DatabasePath = path);
        using var server = new TraceparentServer();
        using var client = new HttpClient();
        using var request = new Activity("request");
        request.SetIdFormat(ActivityIdFormat.W3C);
        request.Start();
        try
        {
            (await new BridgedService().FetchAsync(client, server.Url)).ShouldBe("ok");

            string traceparent = (await server.Traceparent.WaitAsync(TimeSpan.FromSeconds(30))).ShouldNotBeNull();
            ActivityContext.TryParse(traceparent, null, out ActivityContext remoteParent).ShouldBeTrue(traceparent);
            request.Stop();
            (await Monitoring.FlushAsync(TimeSpan.FromSeconds(30))).ShouldBeTrue();
            StoredSpan fetch = StoredSpans.Read(path).ShouldHaveSingleItem();

            // No bridge activity: the monitored call is a child of the request by ids only, and the header is the request's.
            fetch.TraceId.ShouldBe(request.TraceId.ToHexString());
            fetch.ParentSpanId.ShouldBe(request.SpanId.ToHexString());
            remoteParent.TraceId.ShouldBe(request.TraceId);
        }
        finally
        {
            Monitoring.Shutdown(TimeSpan.FromSeconds(5));
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        }
    }
}
