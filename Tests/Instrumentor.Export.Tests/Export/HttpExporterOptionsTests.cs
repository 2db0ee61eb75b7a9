using System;
using System.Linq;

namespace Instrumentor.Export.Tests.Export;

[NonParallelizable]
public sealed class HttpExporterOptionsTests
{
    [TearDown]
    public void TearDown()
    {
        Environment.SetEnvironmentVariable(HttpExporterOptions.EndpointVariable, null);
        Environment.SetEnvironmentVariable(HttpExporterOptions.ApiKeyVariable, null);
        Environment.SetEnvironmentVariable(HttpExporterOptions.ModeVariable, null);
    }

    [Test]
    public void INSTRUMENTOR_ENDPOINT_alone_adds_an_exporter_with_the_key_and_mode_of_the_environment()
    {
        Environment.SetEnvironmentVariable(HttpExporterOptions.EndpointVariable, "http://127.0.0.1:4318");
        Environment.SetEnvironmentVariable(HttpExporterOptions.ApiKeyVariable, "k1");
        Environment.SetEnvironmentVariable(HttpExporterOptions.ModeVariable, "Deferred");

        HttpExporterOptions exporter = new MonitoringOptions().Exporters().ShouldHaveSingleItem();

        exporter.Endpoint.ShouldBe(new Uri("http://127.0.0.1:4318"));
        exporter.ApiKey.ShouldBe("k1");
        exporter.Mode.ShouldBe(ExportMode.Deferred);
    }

    [Test]
    public void AddHttpExporter_in_code_replaces_the_environment_one_and_keeps_its_key()
    {
        Environment.SetEnvironmentVariable(HttpExporterOptions.EndpointVariable, "http://127.0.0.1:4318");
        Environment.SetEnvironmentVariable(HttpExporterOptions.ApiKeyVariable, "k1");

        var options = new MonitoringOptions().AddHttpExporter(e => e.Endpoint = new Uri("http://collector:4318"));

        HttpExporterOptions exporter = options.Exporters().ShouldHaveSingleItem();
        exporter.Endpoint.ShouldBe(new Uri("http://collector:4318"));
        exporter.ApiKey.ShouldBe("k1");
    }

    [Test]
    public void Bad_settings_are_refused_with_the_option_named()
    {
        Environment.SetEnvironmentVariable(HttpExporterOptions.EndpointVariable, "not a url");
        Environment.SetEnvironmentVariable(HttpExporterOptions.ModeVariable, "sometimes");
        var options = new MonitoringOptions();

        string[] problems = options.Problems().Select(p => p.Message).ToArray();
        problems.ShouldContain(m => m.Contains("INSTRUMENTOR_ENDPOINT='not a url'", StringComparison.Ordinal));
        problems.ShouldContain(m => m.Contains("INSTRUMENTOR_EXPORT_MODE='sometimes'", StringComparison.Ordinal));
        TearDown();
        Should.Throw<ArgumentException>(() => Monitoring.Configure(o => o.AddHttpExporter(e =>
            {
                e.Endpoint = new Uri("http://127.0.0.1:4318");
                e.BatchSize = 0;
            })))
            .Message.ShouldContain("BatchSize");
    }

    [Test]
    public void An_exporter_needs_a_store_to_be_its_outbox()
    {
        var options = new MonitoringOptions { DatabasePath = null };
        options.AddHttpExporter(e => e.Endpoint = new Uri("http://127.0.0.1:4318"));

        options.Problems().ShouldContain(p => p.Option == "DatabasePath" && p.Message.Contains("outbox", StringComparison.Ordinal));
    }
}
