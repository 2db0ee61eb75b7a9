using System;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Threading.Tasks;
using Google.Protobuf;
using Instrumentor.Collector.Otlp.Protos;
using Instrumentor.Collector.Tests.Infrastructure;

namespace Instrumentor.Collector.Tests.Otlp;

public class OtlpEndpointsTests
{
    internal const string TraceId = "5b8efff798038103d269b633813fc60c";
    internal const string RootId = "eee19b7ec3c1b174";
    internal const string ChildId = "eee19b7ec3c1b173";

    [Test]
    public async Task OTLP_JSON_with_hex_ids_camel_case_and_integer_enums_is_stored_with_its_parent()
    {
        await using RunningCollector collector = await RunningCollector.StartAsync();

        using HttpResponseMessage response = await collector.PostJsonAsync("/v1/traces", JsonTrace());

        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/json");
        (await response.Content.ReadAsStringAsync()).ShouldBe("{}");
        JsonElement trace = await collector.GetJsonAsync($"/api/traces/{TraceId}");
        JsonElement child = trace.GetProperty("spans").EnumerateArray().Single(s => s.GetProperty("span_id").GetString() == ChildId);
        child.GetProperty("parent_span_id").GetString().ShouldBe(RootId);
        child.GetProperty("process").GetString().ShouldBe("Shop.PricingService.PriceOrder");
        child.GetProperty("status").GetString().ShouldBe("ERR");
        child.GetProperty("exception").GetString().ShouldBe("System.TimeoutException: the price feed is slow");
        child.GetProperty("duration_ms").GetDouble().ShouldBe(1.5);
        child.GetProperty("start").GetString().ShouldBe("2026-12-01T17:52:25.123456Z");
        child.GetProperty("service").GetString().ShouldBe("pricing-api");
        OtelSdkExportTests.Value(child, "quantity").ShouldBe("3");
        OtelSdkExportTests.Value(child, "tags").ShouldBe("[\"a\",true]");
    }

    [Test]
    public async Task Protobuf_answers_an_empty_ExportTraceServiceResponse_and_a_retry_is_stored_once()
    {
        await using RunningCollector collector = await RunningCollector.StartAsync();
        byte[] body = ProtobufTrace().ToByteArray();

        using HttpResponseMessage first = await PostAsync(collector, "/v1/traces", body, "application/x-protobuf");
        using HttpResponseMessage again = await PostAsync(collector, "/v1/traces", body, "application/x-protobuf");

        first.StatusCode.ShouldBe(HttpStatusCode.OK);
        first.Content.Headers.ContentType!.MediaType.ShouldBe("application/x-protobuf");
        ExportTraceServiceResponse answer = ExportTraceServiceResponse.Parser.ParseFrom(await first.Content.ReadAsByteArrayAsync());
        answer.PartialSuccess.ShouldBeNull();
        again.StatusCode.ShouldBe(HttpStatusCode.OK);
        collector.CountSpans().ShouldBe(2);
    }

    [Test]
    public async Task With_api_keys_OTLP_ingest_needs_one()
    {
        await using RunningCollector collector = await RunningCollector.StartAsync(o => o with { ApiKeys = ["key-1"] });

        using HttpResponseMessage without = await collector.PostJsonAsync("/v1/traces", JsonTrace());
        using HttpResponseMessage with = await collector.PostJsonAsync("/v1/traces", JsonTrace(), key: "key-1");

        without.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        with.StatusCode.ShouldBe(HttpStatusCode.OK);
        collector.CountSpans().ShouldBe(2);
    }

    [Test]
    public async Task A_gzip_body_is_unpacked()
    {
        await using RunningCollector collector = await RunningCollector.StartAsync();

        using HttpResponseMessage response = await PostAsync(collector, "/v1/traces", Gzip(ProtobufTrace().ToByteArray()), "application/x-protobuf", gzip: true);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        collector.CountSpans().ShouldBe(2);
    }

    [Test]
    public async Task Spans_with_bad_ids_are_rejected_alone_as_a_partial_success()
    {
        await using RunningCollector collector = await RunningCollector.StartAsync();
        ExportTraceServiceRequest request = ProtobufTrace();
        request.ResourceSpans[0].ScopeSpans[0].Spans.Add(new Span { TraceId = ByteString.CopyFrom(new byte[3]), SpanId = Id(ChildId), Name = "bad" });

        using HttpResponseMessage response = await PostAsync(collector, "/v1/traces", request.ToByteArray(), "application/x-protobuf");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        ExportTraceServiceResponse answer = ExportTraceServiceResponse.Parser.ParseFrom(await response.Content.ReadAsByteArrayAsync());
        answer.PartialSuccess.RejectedSpans.ShouldBe(1);
        answer.PartialSuccess.ErrorMessage.ShouldContain("trace id '000000'");
        collector.CountSpans().ShouldBe(2);
    }

    [Test]
    public async Task A_partial_success_in_JSON_names_the_rejected_spans()
    {
        await using RunningCollector collector = await RunningCollector.StartAsync();
        string body = $$$$"""{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"{{{{TraceId}}}}","spanId":"{{{{RootId}}}}","name":""}]}]}]}""";

        using HttpResponseMessage response = await collector.PostJsonAsync("/v1/traces", body);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).ShouldBe($$$$"""{"partialSuccess":{"rejectedSpans":"1","errorMessage":"the span {{{{RootId}}}} has no name"}}""");
        collector.CountSpans().ShouldBe(0);
    }

    [Test]
    public async Task An_undecodable_protobuf_body_gets_400_with_a_Status()
    {
        await using RunningCollector collector = await RunningCollector.StartAsync();

        using HttpResponseMessage response = await PostAsync(collector, "/v1/traces", [0x0a, 0xff, 0xff, 0x01, 0x02], "application/x-protobuf");

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        RpcStatus status = RpcStatus.Parser.ParseFrom(await response.Content.ReadAsByteArrayAsync());
        status.Code.ShouldBe(3);
        status.Message.ShouldContain("not a valid OTLP protobuf message");
        collector.CountSpans().ShouldBe(0);
    }

    [TestCase("{\"resourceSpans\":", "not valid JSON")]
    [TestCase("{\"resourceSpans\":{}}", "$.resourceSpans: must be an array")]
    [TestCase("{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":\"xyz\"}]}]}]}", "$.resourceSpans[0].scopeSpans[0].spans[0].traceId: must be 32 hex digits")]
    [TestCase("{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"kind\":\"SPAN_KIND_SERVER\"}]}]}]}", "kind: must be an integer")]
    public async Task Malformed_OTLP_JSON_gets_400_naming_the_fault(string body, string message)
    {
        await using RunningCollector collector = await RunningCollector.StartAsync();

        using HttpResponseMessage response = await collector.PostJsonAsync("/v1/traces", body);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        JsonElement status = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        status.GetProperty("code").GetInt32().ShouldBe(3);
        status.GetProperty("message").GetString()!.ShouldContain(message);
    }

    [Test]
    public async Task A_body_over_the_limit_gets_413()
    {
        await using RunningCollector collector = await RunningCollector.StartAsync();
        var request = new ExportTraceServiceRequest();
        var scope = new ScopeSpans();
        for (int i = 0; scope.CalculateSize() <= 4 * 1024 * 1024; i++)
        {
            scope.Spans.Add(new Span { TraceId = Id(TraceId), SpanId = ByteString.CopyFrom(BitConverter.GetBytes((long)i + 1)), Name = new string('x', 1000) });
        }

        request.ResourceSpans.Add(new ResourceSpans { ScopeSpans = { scope } });

        using HttpResponseMessage response = await PostAsync(collector, "/v1/traces", request.ToByteArray(), "application/x-protobuf");

        response.StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
        RpcStatus.Parser.ParseFrom(await response.Content.ReadAsByteArrayAsync()).Message.ShouldContain("larger than 4194304 bytes");
        collector.CountSpans().ShouldBe(0);
    }

    [Test]
    public async Task A_gzip_body_that_unpacks_over_the_limit_gets_413()
    {
        await using RunningCollector collector = await RunningCollector.StartAsync();

        using HttpResponseMessage response = await PostAsync(collector, "/v1/traces", Gzip(new byte[5 * 1024 * 1024]), "application/x-protobuf", gzip: true);

        response.StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
    }

    [TestCase("text/plain")]
    [TestCase("application/grpc")]
    public async Task Other_content_types_get_415(string contentType)
    {
        await using RunningCollector collector = await RunningCollector.StartAsync();

        using HttpResponseMessage response = await PostAsync(collector, "/v1/traces", Encoding.UTF8.GetBytes("{}"), contentType);

        response.StatusCode.ShouldBe(HttpStatusCode.UnsupportedMediaType);
        (await response.Content.ReadAsStringAsync()).ShouldContain("application/x-protobuf or application/json");
    }

    [Test]
    public async Task OTLP_JSON_logs_go_to_the_logs_table_and_the_same_body_again_is_stored_once()
    {
        await using RunningCollector collector = await RunningCollector.StartAsync();
        string body = $$$$"""
            {"resourceLogs":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"orders-api"}}]},
              "scopeLogs":[{"scope":{"name":"Shop.OrderService"},"logRecords":[
                {"timeUnixNano":"1764611545123456000","severityNumber":17,"body":{"stringValue":"payment failed"},
                 "traceId":"{{{{TraceId}}}}","spanId":"{{{{RootId}}}}",
                 "attributes":[{"key":"order","value":{"intValue":"42"}},
                               {"key":"exception.type","value":{"stringValue":"System.TimeoutException"}},
                               {"key":"exception.message","value":{"stringValue":"gateway"}}]},
                {"timeUnixNano":"1764611545123457000","severityText":"Information","body":{"stringValue":"retrying"}}]}]}]}
            """;

        using HttpResponseMessage first = await collector.PostJsonAsync("/v1/logs", body);
        using HttpResponseMessage again = await collector.PostJsonAsync("/v1/logs", body);

        first.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await first.Content.ReadAsStringAsync()).ShouldBe("{}");
        again.StatusCode.ShouldBe(HttpStatusCode.OK);
        collector.CountLogs().ShouldBe(2);
        collector.Text("SELECT level || '|' || logger || '|' || trace_id || '|' || span_id || '|' || service || '|' || exception || '|' || attributes || '|' || ts FROM logs WHERE message = 'payment failed'")
            .ShouldBe($"Error|Shop.OrderService|{TraceId}|{RootId}|orders-api|System.TimeoutException: gateway|{{\"order\":42}}|2025-12-01 17:52:25.123456");
        collector.Text("SELECT level FROM logs WHERE message = 'retrying'").ShouldBe("Information");
    }

    [Test]
    public async Task A_log_record_with_a_bad_trace_id_is_rejected_alone()
    {
        await using RunningCollector collector = await RunningCollector.StartAsync();
        var request = new ExportLogsServiceRequest
        {
            ResourceLogs =
            {
                new ResourceLogs
                {
                    ScopeLogs =
                    {
                        new ScopeLogs
                        {
                            LogRecords =
                            {
                                new LogRecord { Body = new AnyValue { StringValue = "kept" } },
                                new LogRecord { Body = new AnyValue { StringValue = "bad" }, TraceId = ByteString.CopyFrom(new byte[4]) },
                            },
                        },
                    },
                },
            },
        };

        using HttpResponseMessage response = await PostAsync(collector, "/v1/logs", request.ToByteArray(), "application/x-protobuf");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        ExportLogsServiceResponse answer = ExportLogsServiceResponse.Parser.ParseFrom(await response.Content.ReadAsByteArrayAsync());
        answer.PartialSuccess.RejectedLogRecords.ShouldBe(1);
        collector.CountLogs().ShouldBe(1);
        collector.Text("SELECT message FROM logs").ShouldBe("kept");
    }

    internal static string JsonTrace() => $$$$"""
        {"resourceSpans":[{
          "resource":{"attributes":[{"key":"service.name","value":{"stringValue":"pricing-api"}},
                                    {"key":"service.instance.id","value":{"stringValue":"pod-3"}}]},
          "scopeSpans":[{"scope":{"name":"Shop"},"spans":[
            {"traceId":"{{{{TraceId}}}}","spanId":"{{{{RootId}}}}","name":"Shop.OrderService.PlaceOrder","kind":2,
             "startTimeUnixNano":"1796147545123000000","endTimeUnixNano":"1796147545125000000","status":{}},
            {"traceId":"{{{{TraceId}}}}","spanId":"{{{{ChildId}}}}","parentSpanId":"{{{{RootId}}}}","name":"Shop.PricingService.PriceOrder","kind":1,
             "startTimeUnixNano":"1796147545123456000","endTimeUnixNano":1796147545124956000,
             "attributes":[{"key":"quantity","value":{"intValue":"3"}},
                           {"key":"tags","value":{"arrayValue":{"values":[{"stringValue":"a"},{"boolValue":true}]}}},
                           {"key":"unknown","value":{"somethingNew":1}}],
             "events":[{"timeUnixNano":"1796147545124000000","name":"exception","attributes":[
                 {"key":"exception.type","value":{"stringValue":"System.TimeoutException"}},
                 {"key":"exception.message","value":{"stringValue":"the price feed is slow"}}]}],
             "status":{"code":2,"message":"slow"},"futureField":{"x":1}}]}]}]}
        """;

    internal static ExportTraceServiceRequest ProtobufTrace() => new()
    {
        ResourceSpans =
        {
            new ResourceSpans
            {
                Resource = new Resource { Attributes = { new KeyValue { Key = "service.name", Value = new AnyValue { StringValue = "orders-api" } } } },
                ScopeSpans =
                {
                    new ScopeSpans
                    {
                        Spans =
                        {
                            new Span { TraceId = Id(TraceId), SpanId = Id(RootId), Name = "Root", StartTimeUnixNano = 1_796_147_545_000_000_000, EndTimeUnixNano = 1_796_147_545_001_000_000 },
                            new Span { TraceId = Id(TraceId), SpanId = Id(ChildId), ParentSpanId = Id(RootId), Name = "Child", StartTimeUnixNano = 1_796_147_545_000_000_000, EndTimeUnixNano = 1_796_147_545_000_500_000 },
                        },
                    },
                },
            },
        },
    };

    private static ByteString Id(string hex) => ByteString.CopyFrom(Convert.FromHexString(hex));

    private static byte[] Gzip(byte[] bytes)
    {
        using var packed = new MemoryStream();
        using (var gzip = new GZipStream(packed, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(bytes);
        }

        return packed.ToArray();
    }

    private static Task<HttpResponseMessage> PostAsync(RunningCollector collector, string path, byte[] body, string contentType, bool gzip = false)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        if (gzip)
        {
            content.Headers.ContentEncoding.Add("gzip");
        }

        return collector.Client.PostAsync(path, content);
    }
}
