using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text.Json;
using System.Threading.Tasks;
using Instrumentor.Export.Tests.Infrastructure;
using Instrumentor.Testing;

namespace Instrumentor.Export.Tests.Samples;

/// <summary>
/// The README's three steps, for real: <c>instrumentor serve</c> on 127.0.0.1 (its own process), then
/// <c>Samples/WebApi</c> started with nothing but <c>INSTRUMENTOR_ENDPOINT</c> set, called over HTTP; its spans are
/// in the collector's query API while the app is still running (Instant streaming, not the flush at exit).
/// </summary>
[NonParallelizable]
[Category("Process")]
public sealed class WebApiStreamingTests
{
    [Test]
    public async Task The_web_sample_with_INSTRUMENTOR_ENDPOINT_set_streams_its_spans_to_a_running_collector()
    {
        using var directory = new TempDirectory("webapi-stream");
        int collectorPort = FreePort.Next();
        using CollectorProcess collector = await CollectorProcess.StartAsync(directory.Combine("collector.db"), collectorPort, directory.Path);
        int appPort = FreePort.Next();
        // Run from its own folder, as `dotnet run` does: its appsettings.json (service name "orders-api") is read from there.
        string sample = ChildProcess.BuiltAssembly("WebApiAssembly");
        using ChildProcess app = ChildProcess.Start(sample, $"--urls http://127.0.0.1:{appPort}", System.IO.Path.GetDirectoryName(sample)!,
            new Dictionary<string, string?>
            {
                ["INSTRUMENTOR_ENDPOINT"] = $"http://127.0.0.1:{collectorPort}",
                // Its own outbox in the test's folder instead of the sample's webapi-traces.db beside the binary.
                ["Instrumentor__DatabasePath"] = directory.Combine("web.db"),
                ["ASPNETCORE_ENVIRONMENT"] = "Production",
            });
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{appPort}"), Timeout = TimeSpan.FromSeconds(10) };
        await WaitUntilAnswering(http, app);

        (await http.GetStringAsync("/quote/apple?quantity=3")).ShouldBe("3.75");
        (await http.PostAsync("/orders/apple?quantity=2", content: null)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await http.PostAsync("/orders/pear?quantity=50", content: null)).StatusCode.ShouldBe(HttpStatusCode.Conflict);

        // The app keeps running: the spans must come by streaming, through the collector's own API.
        using var api = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{collectorPort}"), Timeout = TimeSpan.FromSeconds(10) };
        List<string> spans = [];
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            using JsonDocument page = JsonDocument.Parse(await api.GetStringAsync("/api/spans?service=orders-api&limit=100"));
            spans = page.RootElement.GetProperty("items").EnumerateArray()
                .Select(s => s.GetProperty("process").GetString() + " " + s.GetProperty("status").GetString()).Order(StringComparer.Ordinal).ToList();
            if (spans.Count >= 8)
            {
                break;
            }

            await Task.Delay(100);
        }

        app.HasExited.ShouldBeFalse("the app still runs: its spans were streamed, not flushed at exit\n" + app);
        spans.ShouldBe(
        [
            "WebApi.Inventory.Reserve ERR",
            "WebApi.Inventory.Reserve OK",
            "WebApi.Inventory.UnitPrice OK",
            "WebApi.Inventory.UnitPrice OK",
            "WebApi.OrderService.PlaceAsync ERR",
            "WebApi.OrderService.PlaceAsync OK",
            "WebApi.OrderService.Quote OK",
            "WebApi.OrderService.Quote OK",
        ], customMessage: app.Output);
        using JsonDocument status = JsonDocument.Parse(await api.GetStringAsync("/api/status"));
        status.RootElement.GetProperty("spans_total").GetInt64().ShouldBe(8);
    }

    private static async Task WaitUntilAnswering(HttpClient http, ChildProcess app)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            app.HasExited.ShouldBeFalse("the app exited early:\n" + app);
            try
            {
                using HttpResponseMessage response = await http.GetAsync("/");
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(200);
        }

        throw new TimeoutException("the app did not answer within 60 s:\n" + app);
    }
}
