using System;
using System.Threading.Tasks;
using Instrumentor.Export.Tests.Infrastructure;
using Instrumentor.Testing;

namespace Instrumentor.Export.Tests.Export;

/// <summary>TLS options against a real TLS listener on 127.0.0.1 with certificates made in the test.</summary>
public sealed class HttpExportClientTlsTests
{
    [Test]
    public async Task A_private_CA_and_a_client_certificate_reach_a_mutual_TLS_endpoint()
    {
        using var directory = new TempDirectory("tls");
        using var certificates = new TestCertificates();
        using var server = new TlsServer(certificates);
        var store = new AppStore(directory.Combine("app.db"));
        store.Add(3);
        using HttpExporter exporter = Exporters.Start(store, server.BaseAddress, o =>
        {
            o.TrustedCa = certificates.Ca;
            o.ClientCertificate = certificates.Client;
        });

        (await exporter.FlushAsync().WaitAsync(TimeSpan.FromSeconds(60))).ShouldBeTrue();

        server.Answered.ShouldBe(1);
        exporter.Counters.Sent.ShouldBe(3);
    }

    [Test]
    public async Task Without_the_CA_the_collector_certificate_is_refused_and_nothing_is_acknowledged()
    {
        using var directory = new TempDirectory("tls");
        using var certificates = new TestCertificates();
        using var server = new TlsServer(certificates);
        var store = new AppStore(directory.Combine("app.db"));
        store.Add(3);
        using HttpExporter exporter = Exporters.Start(store, server.BaseAddress, o => o.ClientCertificate = certificates.Client);

        Task<bool> flush = exporter.FlushAsync();
        (await Task.WhenAny(flush, Task.Delay(TimeSpan.FromSeconds(2))) == flush).ShouldBeFalse();

        server.Answered.ShouldBe(0);
        exporter.Counters.Failed.ShouldBeGreaterThan(0);
        store.Cursor("test").ShouldBe(0);
    }
}
