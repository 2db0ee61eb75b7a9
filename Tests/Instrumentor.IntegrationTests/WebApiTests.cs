using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using Instrumentor.IntegrationTests.Infrastructure;

namespace Instrumentor.IntegrationTests;

/// <summary>
/// <c>Samples/WebApi</c> as it runs in production: started on a loopback port, called over HTTP, stopped with SIGTERM.
/// The host's graceful shutdown (AddInstrumentor's hosted service) leaves every span in SQLite.
/// </summary>
[NonParallelizable]
[Category("Build")]
[Platform(Exclude = "Win", Reason = "stops the server with SIGTERM")]
public class WebApiTests
{
    [Test]
    public async Task The_web_sample_traces_its_services_and_a_sigterm_shutdown_flushes_them_to_sqlite()
    {
        ProcessRunner.Result build = ProcessRunner.Run("dotnet", "build Samples/WebApi -nologo -v:q", RepositoryPaths.Root, timeout: TimeSpan.FromMinutes(5));
        build.ExitCode.ShouldBe(0, build.ToString());

        using var work = new TempDirectory("webapi");
        string db = work.Combine("web.db");
        int port = FreeLoopbackPort();
        string bin = Path.Combine(RepositoryPaths.Root, "Samples", "WebApi", "bin", "Debug", "net10.0");
        using var server = BackgroundProcess.Start("dotnet", $"WebApi.dll --urls http://127.0.0.1:{port}", bin,
            new Dictionary<string, string?> { ["Instrumentor__DatabasePath"] = db, ["ASPNETCORE_ENVIRONMENT"] = "Production" });

        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };
        await WaitUntilListening(http, server);

        (await http.GetStringAsync("/quote/apple?quantity=3")).ShouldBe("3.75");
        HttpResponseMessage placed = await http.PostAsync("/orders/apple?quantity=2", content: null);
        placed.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await placed.Content.ReadAsStringAsync()).ShouldContain("\"remaining\":98");
        HttpResponseMessage refused = await http.PostAsync("/orders/pear?quantity=50", content: null);
        refused.StatusCode.ShouldBe(HttpStatusCode.Conflict);

        ProcessRunner.Result stopped = server.Terminate(TimeSpan.FromSeconds(30));

        stopped.ExitCode.ShouldBe(0, stopped.ToString());
        stopped.StandardOutput.ShouldContain($"Instrumentor: tracing to {db} as service 'orders-api'");
        stopped.StandardOutput.ShouldContain("Application is shutting down");
        stopped.StandardOutput.ShouldNotContain("could not all be written", customMessage: stopped.ToString());

        TraceDatabase.Query(db, "SELECT process || ' ' || status FROM process_trace ORDER BY 1").Select(r => r[0]).ShouldBe(
        [
            "WebApi.Inventory.Reserve ERR",
            "WebApi.Inventory.Reserve OK",
            "WebApi.Inventory.UnitPrice OK",
            "WebApi.Inventory.UnitPrice OK",
            "WebApi.OrderService.PlaceAsync ERR",
            "WebApi.OrderService.PlaceAsync OK",
            "WebApi.OrderService.Quote OK",
            "WebApi.OrderService.Quote OK",
        ]);
        TraceDatabase.Query(db, "SELECT DISTINCT service FROM process_trace").Single()[0].ShouldBe("orders-api");

        // Instrumentor.Logging: the services' LoggerMessage lines are in the same store, each in the span it was logged in.
        TraceDatabase.Query(db, """
            SELECT l.message || ' in ' || p.process FROM logs l JOIN process_trace p ON p.span_id = l.span_id AND p.trace_id = l.trace_id
            WHERE l.logger = 'WebApi.OrderService' ORDER BY 1
            """).Select(r => r[0]).ShouldBe(
        [
            "order placed: 2 x apple, 98 left in WebApi.OrderService.PlaceAsync",
            "placing order for 2 x apple in WebApi.OrderService.PlaceAsync",
            "placing order for 50 x pear in WebApi.OrderService.PlaceAsync",
            "quoting 2 x apple in WebApi.OrderService.Quote",
            "quoting 3 x apple in WebApi.OrderService.Quote",
        ]);

        // Every service is called through its interface (IOrderService from the endpoints, IInventory from the order
        // service): the spans above are the implementations', with their arguments, nested as called.
        TraceDatabase.Query(db, """
            SELECT d.data || '=' || d.data_value FROM data_trace d
            WHERE d.process = 'WebApi.OrderService.Quote' ORDER BY 1
            """).Select(r => r[0]).ShouldBe(["quantity=2", "quantity=3", "result=2.50", "result=3.75", "sku=apple", "sku=apple"]);
        TraceDatabase.Query(db, """
            SELECT COUNT(*) FROM process_trace u JOIN process_trace q ON u.parent_span_id = q.span_id
            WHERE u.process = 'WebApi.Inventory.UnitPrice' AND q.process = 'WebApi.OrderService.Quote'
            """).Single()[0].ShouldBe("2");

        // The failed order: Reserve threw inside PlaceAsync, after an await; both spans are ERR, in one trace, nested.
        string?[] failedOrder = TraceDatabase.Query(db, """
            SELECT o.trace_id = r.trace_id, r.parent_span_id = o.span_id, r.exception
            FROM process_trace o JOIN process_trace r ON r.process = 'WebApi.Inventory.Reserve' AND r.status = 'ERR'
            WHERE o.process = 'WebApi.OrderService.PlaceAsync' AND o.status = 'ERR'
            """).Single();
        failedOrder[0].ShouldBe("1");
        failedOrder[1].ShouldBe("1");
        failedOrder[2].ShouldNotBeNull().ShouldContain("only 5 'pear' left, 50 requested");
        TraceDatabase.Query(db, """
            SELECT d.data || '=' || d.data_value FROM data_trace d
            WHERE d.process = 'WebApi.Inventory.Reserve' AND d.status = 'ERR' ORDER BY d.data
            """).Select(r => r[0]).ShouldBe(["quantity=50", "sku=pear"]);
    }

    private static int FreeLoopbackPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static async Task WaitUntilListening(HttpClient http, BackgroundProcess server)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            server.HasExited.ShouldBeFalse("the server exited early:\n" + server);
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

            await Task.Delay(200);
        }

        throw new TimeoutException("the server did not answer within 60 s:\n" + server);
    }
}
