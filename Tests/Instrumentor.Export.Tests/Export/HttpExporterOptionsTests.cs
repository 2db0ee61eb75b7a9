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
    public void Without_a_store_the_outbox_is_the_spool_folder_at_a_place_that_outlives_the_process()
    {
        var options = new MonitoringOptions { DatabasePath = null, ServiceName = "orders/api" };
        options.AddHttpExporter(e => e.Endpoint = new Uri("http://127.0.0.1:4318"));

        options.Problems().ShouldBeEmpty();
        // Not the per-process temp spool of a store-less pipeline: the next start must find it again.
        options.EffectiveSpoolPath.ShouldNotContain(Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        System.IO.Path.GetFileName(options.EffectiveSpoolPath).ShouldBe("orders_api.spool");
        options.EffectiveOutboxPath.ShouldBe(options.EffectiveSpoolPath + ".outbox");
        new MonitoringOptions { DatabasePath = null, ServiceName = "orders/api" }.AddHttpExporter(e => e.Endpoint = new Uri("http://127.0.0.1:1"))
            .EffectiveSpoolPath.ShouldBe(options.EffectiveSpoolPath, "the next start of the same service finds the same folder");

        options.SpoolPath = "/var/lib/app/spans.spool";
        options.EffectiveOutboxPath.ShouldBe("/var/lib/app/spans.spool.outbox");
    }
}
