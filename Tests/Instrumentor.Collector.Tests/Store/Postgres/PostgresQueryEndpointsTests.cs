using System.Threading.Tasks;
using Instrumentor.Collector.Tests.Infrastructure;
using Instrumentor.Collector.Tests.Query;

namespace Instrumentor.Collector.Tests.Store.Postgres;

/// <summary>Every query API test of <see cref="QueryEndpointsTests"/>, on the PostgreSQL store: the same answers.</summary>
public class PostgresQueryEndpointsTests : QueryEndpointsTests
{
    private protected override Task<RunningCollector> StartCollectorAsync() =>
        RunningCollector.StartAsync(o => o with { Postgres = PostgresServer.NewDatabase("query") });
}
