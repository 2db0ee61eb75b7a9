using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using Instrumentor.Logging.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Instrumentor.Logging.Tests.Provider;

public sealed class InstrumentorLoggerProviderTests
{
    [Test]
    public async Task Host_logs_reach_the_collector_with_state_scopes_and_a_structured_exception()
    {
        using var directory = new TempDirectory("logging");
        await using RunningCollector collector = await RunningCollector.StartAsync(directory.Combine("collector.db"));
        HostApplicationBuilder builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Logging.AddInstrumentor(o =>
        {
            o.Endpoint = collector.Ingest;
            o.FallbackPath = directory.Combine("pending.jsonl");
            o.Service = "shop";
        });
        using (IHost host = builder.Build())
        {
            ILogger logger = host.Services.GetRequiredService<ILogger<InstrumentorLoggerProviderTests>>();
            using (logger.BeginScope(new Dictionary<string, object?> { ["tenant"] = "acme" }))
            using (logger.BeginScope("checkout"))
            {
                TestLog.OrderPriced(logger, 42, 19.5m);
                TestLog.OrderFailed(logger, 43, new InvalidOperationException("no stock", new TimeoutException("db slow")));
            }

            await host.Services.GetServices<ILoggerProvider>().OfType<InstrumentorLoggerProvider>().Single().FlushAsync();
        }

        JsonElement page = await collector.GetJsonAsync("/api/logs");
        JsonElement[] items = page.GetProperty("items").EnumerateArray().ToArray();
        items.Length.ShouldBe(2);
        JsonElement priced = items.Single(i => i.GetProperty("level").GetString() == "Information");
        priced.GetProperty("message").GetString().ShouldBe("order 42 priced at 19.5");
        priced.GetProperty("logger").GetString().ShouldBe(typeof(InstrumentorLoggerProviderTests).FullName);
        priced.GetProperty("service").GetString().ShouldBe("shop");
        using (JsonDocument attributes = JsonDocument.Parse(priced.GetProperty("attributes").GetString()!))
        {
            JsonElement a = attributes.RootElement;
            a.GetProperty("OrderId").GetInt32().ShouldBe(42);
            a.GetProperty("Total").GetDecimal().ShouldBe(19.5m);
            a.GetProperty("message_template").GetString().ShouldBe("order {OrderId} priced at {Total}");
            a.GetProperty("event_id").GetInt32().ShouldBe(7);
            a.GetProperty("tenant").GetString().ShouldBe("acme");
            a.GetProperty("scopes")[0].GetString().ShouldBe("checkout");
        }

        JsonElement failed = items.Single(i => i.GetProperty("level").GetString() == "Error");
        using JsonDocument exception = JsonDocument.Parse(failed.GetProperty("exception").GetString()!);
        exception.RootElement.GetProperty("type").GetString().ShouldBe("System.InvalidOperationException");
        exception.RootElement.GetProperty("message").GetString().ShouldBe("no stock");
        exception.RootElement.GetProperty("inner").GetProperty("type").GetString().ShouldBe("System.TimeoutException");
        exception.RootElement.GetProperty("inner").GetProperty("message").GetString().ShouldBe("db slow");
    }

    [Test]
    public async Task Logging_Instrumentor_configuration_section_sets_the_options()
    {
        using var directory = new TempDirectory("logging");
        string file = directory.Combine("app.jsonl");
        HostApplicationBuilder builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Logging:Instrumentor:FilePath"] = file,
            ["Logging:Instrumentor:MinLevel"] = "Warning",
            ["Logging:Instrumentor:BatchSize"] = "3",
        });
        builder.Logging.AddConfiguration(builder.Configuration.GetSection("Logging"));
        builder.Logging.AddInstrumentor();
        using (IHost host = builder.Build())
        {
            ILogger logger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Config");
            logger.LogInformation("below the minimum");
            logger.LogWarning("kept {Count}", 1);
            logger.LogError("kept {Count}", 2);
            await host.Services.GetServices<ILoggerProvider>().OfType<InstrumentorLoggerProvider>().Single().FlushAsync();
        }

        string[] lines = File.ReadAllLines(file);
        lines.Length.ShouldBe(2);
        lines.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("event").GetString()).ShouldBe(["kept 1", "kept 2"]);
    }

    [TestCase("ftp://example.com/api/ingest")]
    [TestCase("/api/ingest")]
    public void A_bad_endpoint_url_fails_at_startup_naming_the_setting(string endpoint)
    {
        HostApplicationBuilder builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Logging.AddInstrumentor(o => o.Endpoint = new Uri(endpoint, UriKind.RelativeOrAbsolute));

        ArgumentException error = Should.Throw<ArgumentException>(() => builder.Build().Dispose());
        error.Message.ShouldContain("Logging:Instrumentor:Endpoint must be an absolute http:// or https:// URL");
    }

    [Test]
    public void A_configured_endpoint_that_is_not_a_url_fails_at_startup_naming_the_key()
    {
        HostApplicationBuilder builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Logging:Instrumentor:Endpoint"] = "not a url" });
        builder.Logging.AddConfiguration(builder.Configuration.GetSection("Logging"));
        builder.Logging.AddInstrumentor();

        InvalidOperationException error = Should.Throw<InvalidOperationException>(() => builder.Build().Dispose());
        error.Message.ShouldContain("Logging:Instrumentor:Endpoint is 'not a url'");
    }

    [Test]
    public async Task A_logging_failure_never_throws_into_the_application()
    {
        using var directory = new TempDirectory("logging");
        string file = directory.Combine("app.jsonl");
        // The store path is a directory: the store output fails on every batch; the file output must still get the lines.
        InstrumentorLoggerOptions options = Pipelines.Options(directory, endpoint: null);
        options.FilePath = file;
        options.Store = true;
        options.StorePath = directory.Path;
        await using var provider = new InstrumentorLoggerProvider(options);
        ILogger logger = provider.CreateLogger("Failing");

        Should.NotThrow(() => logger.Log(LogLevel.Information, default, "state", null, (_, _) => throw new FormatException("bad formatter")));
        Should.NotThrow(() => logger.LogInformation("value {Value}", new ThrowingToString()));
        Should.NotThrow(() => logger.LogInformation("plain line"));
        await provider.FlushAsync();

        // The two lines whose text could not be made are lost (and counted); the third reaches the file.
        File.ReadAllLines(file).Length.ShouldBe(1);
        provider.Counters.Received.ShouldBe(1);
        provider.Counters.WrittenToFile.ShouldBe(1);
        provider.Counters.Errors.ShouldBe(3); // the throwing formatter, the throwing ToString, and the store's batch
        provider.Counters.WrittenToStore.ShouldBe(0);
    }

    private sealed class ThrowingToString
    {
        public override string ToString() => throw new InvalidOperationException("no text");
    }
}
