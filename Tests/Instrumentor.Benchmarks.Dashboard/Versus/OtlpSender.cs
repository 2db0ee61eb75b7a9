using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading.Tasks;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Instrumentor.Benchmarks.Dashboard.Versus;

/// <summary>
/// Sends the finished spans to one OTLP/HTTP endpoint with the OpenTelemetry SDK's own exporter (protobuf), one
/// exporter per service with that service's resource, as three applications would: the services export at the same
/// time, each in batches of the SDK's default size (512), one batch after the other.
/// </summary>
internal static class OtlpSender
{
    public const int BatchSize = 512;

    /// <summary>What a send took and how many spans the exporter could not deliver.</summary>
    public sealed record Result(TimeSpan Elapsed, int Spans, int FailedSpans, int Requests);

    public static async Task<Result> SendAsync(ShopTraces traces, Uri tracesEndpoint)
    {
        var watch = Stopwatch.StartNew();
        var sends = traces.ByService.Select(pair => Task.Run(() => SendService(pair.Key, pair.Value, tracesEndpoint))).ToArray();
        var results = await Task.WhenAll(sends);
        return new Result(watch.Elapsed, results.Sum(r => r.Spans), results.Sum(r => r.Failed), results.Sum(r => r.Requests));
    }

    private static (int Spans, int Failed, int Requests) SendService(string service, List<Activity> spans, Uri endpoint)
    {
        var exporter = new OtlpTraceExporter(new OtlpExporterOptions
        {
            Endpoint = endpoint,
            Protocol = OtlpExportProtocol.HttpProtobuf,
            TimeoutMilliseconds = 60_000,
        });
        // The provider only gives the exporter its resource (service.name): no source is listened to.
        using TracerProvider provider = Sdk.CreateTracerProviderBuilder()
            .SetResourceBuilder(ResourceBuilder.CreateEmpty().AddService(service, serviceInstanceId: service + "-1"))
            .AddProcessor(new SimpleActivityExportProcessor(exporter))
            .Build();
        int failed = 0, requests = 0;
        for (var i = 0; i < spans.Count; i += BatchSize)
        {
            var chunk = spans.GetRange(i, Math.Min(BatchSize, spans.Count - i)).ToArray();
            requests++;
            if (exporter.Export(new Batch<Activity>(chunk, chunk.Length)) != ExportResult.Success) failed += chunk.Length;
        }

        return (spans.Count, failed, requests);
    }
}
