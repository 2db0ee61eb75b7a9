using System.Threading.Tasks;
using Instrumentor.Collector.Tests.Infrastructure;
using Instrumentor.Collector.Tests.Query;

namespace Instrumentor.Collector.Tests.Store.Postgres;

/// <summary>Every <c>GET /api/logs</c> test of <see cref="LogQueryEndpointsTests"/>, on the PostgreSQL store.</summary>
public class PostgresLogQueryEndpointsTests : LogQueryEndpointsTests
{
    private protected override Task<RunningCollector> StartCollectorAsync() =>
        RunningCollector.StartAsync(o => o with { Postgres = PostgresServer.NewDatabase("logs") });
}
