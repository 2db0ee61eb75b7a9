using System;
using System.Linq;
using Instrumentor.IntegrationTests.Infrastructure;
using Instrumentor.IntegrationTests.Monitored;
using Microsoft.Data.Sqlite;

namespace Instrumentor.IntegrationTests;

/// <summary>
/// <c>ValueSerializer.Json</c> with a real source-generated JsonSerializerContext (the System.Text.Json generator runs
/// in this project's build, next to Instrumentor's), stored in a real SQLite store.
/// </summary>
[NonParallelizable]
public class JsonSerializerTests
{
    [Test]
    public void Json_stores_what_the_context_serializes_and_a_type_it_lacks_as_an_error()
    {
        using var directory = new TempDirectory("json");
        string db = directory.Combine("traces.db");
        try
        {
            Monitoring.Shutdown(TimeSpan.FromSeconds(5));
            Monitoring.Configure(o =>
            {
                o.DatabasePath = db;
                o.SpoolPath = directory.Combine("traces.spool");
            });

            CustomerDesk.Send(new Invoice(12, "ann", 9.5m)).Number.ShouldBe(12);
            CustomerDesk.Misconfigured(new Receipt(3, "tok-x")).ShouldBe(3);

            Monitoring.FlushAsync(TimeSpan.FromSeconds(30)).GetAwaiter().GetResult().ShouldBeTrue();
            Monitoring.Shutdown(TimeSpan.FromSeconds(5)).ShouldBeTrue();
            SqliteConnection.ClearAllPools();

            string?[][] rows = TraceDatabase.Query(db, """
                SELECT p.process, d.data, d.data_value FROM data_trace d JOIN process_trace p ON p.span_id = d.span_id
                ORDER BY p.process, d.data
                """).Select(r => r.ToArray()).ToArray();
            string Value(string process, string data) => rows.Single(r => r[0] == process && r[1] == data)[2]!;

            Value("Instrumentor.IntegrationTests.Monitored.CustomerDesk.Send", "invoice").ShouldBe("""{"Number":12,"Customer":"ann","Amount":9.5}""");
            Value("Instrumentor.IntegrationTests.Monitored.CustomerDesk.Send", "result").ShouldBe("""{"Number":12,"Customer":"ann","Amount":9.5}""");
            // Not in the context: System.Text.Json refuses it (no reflection fallback), the call is unaffected.
            Value("Instrumentor.IntegrationTests.Monitored.CustomerDesk.Misconfigured", "receipt").ShouldBe("<error: InvalidOperationException>");
        }
        finally
        {
            Monitoring.Shutdown(TimeSpan.FromSeconds(5));
            SqliteConnection.ClearAllPools();
        }
    }
}
