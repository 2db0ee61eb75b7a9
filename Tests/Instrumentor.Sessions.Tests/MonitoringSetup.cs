using System;
using System.IO;
using System.Threading.Tasks;

namespace Instrumentor.Sessions.Tests;

/// <summary>
/// The [Monitor] pipeline of this test run writes spans to its own file, so tests can check that session events
/// and LLM-call spans link to the spans around them.
/// </summary>
[SetUpFixture]
public sealed class MonitoringSetup
{
    internal static string SpanDatabase { get; } = Path.Combine(Path.GetTempPath(), "instrumentor-sessions-spans-" + Guid.NewGuid().ToString("N") + ".db");

    [OneTimeSetUp]
    public void Configure() => Monitoring.Configure(o => o.DatabasePath = SpanDatabase);

    [OneTimeTearDown]
    public async Task ShutDown()
    {
        await Monitoring.FlushAsync(TimeSpan.FromSeconds(10));
        Monitoring.Shutdown(TimeSpan.FromSeconds(5));
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (string suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(SpanDatabase + suffix);
        }
    }
}
