using System.Threading;
using Instrumentor.Testing;

namespace Instrumentor.Collector.Tests.Store.Postgres;

/// <summary>
/// One real PostgreSQL server for every test of this namespace (started once, stopped and deleted at the end); each
/// test class takes a database of its own. Without PostgreSQL installed the tests fail and say how to install it.
/// </summary>
[SetUpFixture]
public sealed class PostgresServer
{
    private static PostgresCluster? s_cluster;
    private static int s_databases;

    internal static PostgresCluster Cluster => s_cluster ?? throw new System.InvalidOperationException("the PostgreSQL test server did not start");

    /// <summary>A new, empty database on the shared server (its connection string).</summary>
    internal static string NewDatabase(string prefix) => Cluster.CreateDatabase($"{prefix}_{Interlocked.Increment(ref s_databases)}");

    // fsync off: a test cluster need not survive a power cut, and the shared machine's disk stays free for the others.
    [OneTimeSetUp]
    public void Start() => s_cluster = PostgresCluster.Start("fsync=off", "synchronous_commit=off", "full_page_writes=off");

    [OneTimeTearDown]
    public void Stop() => s_cluster?.Dispose();
}
