using System;
using System.Diagnostics;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using Instrumentor.Collector.Tests.Infrastructure;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Logs;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Instrumentor.Collector.Tests.Otlp;

/// <summary>The real OpenTelemetry .NET SDK, its OTLP exporter over HTTP/protobuf, sending to a running collector.</summary>
public class OtelSdkExportTests
{
    [Test]
    public async Task A_trace_of_three_nested_spans_from_the_OpenTelemetry_SDK_keeps_its_tree_attributes_and_exception()
    {
        await using RunningCollector collector = await RunningCollector.StartAsync();
        using var source = new ActivitySource("Shop.Orders");
        var exporterOptions = new OtlpExporterOptions();
        using (TracerProvider provider = Sdk.CreateTracerProviderBuilder()
            .ConfigureResource(r => r.Clear().AddService("orders-api", serviceInstanceId: "instance-7"))
            .AddSource("Shop.Orders")
            .AddOtlpExporter(e =>
            {
                e.Protocol = OtlpExportProtocol.HttpProtobuf;
                e.Endpoint = new Uri(collector.BaseAddress, "/v1/traces");
                e.ExportProcessorType = ExportProcessorType.Simple;
            })
            .Build()!)
        {
            string traceId, rootId, childId, leafId;
            using (Activity root = source.StartActivity("Shop.OrderService.PlaceOrder")!)
            {
                root.SetTag("customer", "alice");
                root.SetTag("quantity", 3);
                traceId = root.TraceId.ToHexString();
                rootId = root.SpanId.ToHexString();
                using (Activity child = source.StartActivity("Shop.PricingService.PriceOrder")!)
                {
                    child.SetTag("discount", 0.25);
                    childId = child.SpanId.ToHexString();
                    using Activity leaf = source.StartActivity("Shop.Inventory.Reserve")!;
                    leafId = leaf.SpanId.ToHexString();
                    leaf.SetTag("sku", "A-17");
                    leaf.AddException(new InvalidOperationException("out of stock"));
                    leaf.SetStatus(ActivityStatusCode.Error, "out of stock");
                }
            }

            provider.ForceFlush(10_000).ShouldBeTrue();

            JsonElement trace = await collector.GetJsonAsync($"/api/traces/{traceId}");
            JsonElement[] spans = trace.GetProperty("spans").EnumerateArray().ToArray();
            spans.Length.ShouldBe(3);
            JsonElement Span(string id) => spans.Single(s => s.GetProperty("span_id").GetString() == id);

            JsonElement rootSpan = Span(rootId);
            rootSpan.GetProperty("parent_span_id").ValueKind.ShouldBe(JsonValueKind.Null);
            rootSpan.GetProperty("process").GetString().ShouldBe("Shop.OrderService.PlaceOrder");
            rootSpan.GetProperty("process_group").GetString().ShouldBe("Shop.Orders");
            rootSpan.GetProperty("service").GetString().ShouldBe("orders-api");
            rootSpan.GetProperty("status").GetString().ShouldBe("OK");
            Value(rootSpan, "customer").ShouldBe("alice");
            Value(rootSpan, "quantity").ShouldBe("3");

            JsonElement childSpan = Span(childId);
            childSpan.GetProperty("parent_span_id").GetString().ShouldBe(rootId);
            Value(childSpan, "discount").ShouldBe("0.25");

            JsonElement leafSpan = Span(leafId);
            leafSpan.GetProperty("parent_span_id").GetString().ShouldBe(childId);
            leafSpan.GetProperty("status").GetString().ShouldBe("ERR");
            leafSpan.GetProperty("exception").GetString()!.ShouldContain("System.InvalidOperationException: out of stock");
            Value(leafSpan, "sku").ShouldBe("A-17");
        }

        collector.Text("SELECT system_instance_id FROM process_trace LIMIT 1").ShouldBe("instance-7");
    }

    [Test]
    public async Task Log_records_from_the_OpenTelemetry_SDK_land_in_the_logs_table_with_their_span()
    {
        await using RunningCollector collector = await RunningCollector.StartAsync();
        using var source = new ActivitySource("Shop.Orders");
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == "Shop.Orders",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        string traceId, spanId;
        using (ILoggerFactory factory = LoggerFactory.Create(builder => builder.AddOpenTelemetry(o =>
        {
            o.SetResourceBuilder(ResourceBuilder.CreateEmpty().AddService("orders-api"));
            o.AddOtlpExporter((e, processor) =>
            {
                e.Protocol = OtlpExportProtocol.HttpProtobuf;
                e.Endpoint = new Uri(collector.BaseAddress, "/v1/logs");
                processor.ExportProcessorType = ExportProcessorType.Simple;
            });
        })))
        {
            ILogger logger = factory.CreateLogger("Shop.OrderService");
            using Activity activity = source.StartActivity("PlaceOrder")!;
            traceId = activity.TraceId.ToHexString();
            spanId = activity.SpanId.ToHexString();
            logger.LogWarning("order {OrderId} is late", 42);
        }

        collector.CountLogs().ShouldBe(1);
        collector.Text("SELECT message FROM logs").ShouldBe("order {OrderId} is late");
        collector.Text("SELECT level FROM logs").ShouldBe("Warning");
        collector.Text("SELECT logger FROM logs").ShouldBe("Shop.OrderService");
        collector.Text("SELECT trace_id FROM logs").ShouldBe(traceId);
        collector.Text("SELECT span_id FROM logs").ShouldBe(spanId);
        collector.Text("SELECT service FROM logs").ShouldBe("orders-api");
        collector.Text("SELECT attributes FROM logs").ShouldContain("\"OrderId\":42");
    }

    internal static string? Value(JsonElement span, string name) =>
        span.GetProperty("data").EnumerateArray().Single(v => v.GetProperty("name").GetString() == name).GetProperty("value").GetString();
}
