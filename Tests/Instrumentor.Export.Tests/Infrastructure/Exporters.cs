using System;

namespace Instrumentor.Export.Tests.Infrastructure;

internal static class Exporters
{
    /// <summary>An exporter of <paramref name="store"/> to <paramref name="endpoint"/>, with quick retries for tests.</summary>
    public static HttpExporter Start(AppStore store, Uri endpoint, Action<HttpExporterOptions>? configure = null)
    {
        var options = new HttpExporterOptions
        {
            Endpoint = endpoint,
            Mode = ExportMode.Deferred,
            RetryBackoff = TimeSpan.FromMilliseconds(50),
            MaxBackoff = TimeSpan.FromMilliseconds(200),
            MaxRetries = 3,
            CircuitBreakDuration = TimeSpan.FromMilliseconds(500),
            Name = "test",
        };
        configure?.Invoke(options);
        var exporter = new HttpExporter(options, store.Path, AppStore.System);
        exporter.Start();
        return exporter;
    }
}
