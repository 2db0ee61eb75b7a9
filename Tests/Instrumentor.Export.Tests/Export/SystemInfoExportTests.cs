using System;
using System.Linq;
using System.Threading.Tasks;
using Instrumentor.Export.Tests.Infrastructure;
using Instrumentor.Testing;
using Microsoft.Data.Sqlite;

namespace Instrumentor.Export.Tests.Export;

/// <summary>
/// <c>Monitoring.BeginSystem</c>: system info per async context (seed 000: two concurrent async tasks never overwrite
/// each other's), kept per instance in the local store and in the collector the exporter sends to.
/// </summary>
[NonParallelizable]
public sealed class SystemInfoExportTests
{
    private const int Calls = 40;

    [Test]
    public async Task Two_concurrent_async_flows_with_different_systems_never_mix_locally_or_in_the_collector()
    {
        using var directory = new TempDirectory("system-info");
        string store = directory.Combine("app.db");
        await using RunningCollector collector = await RunningCollector.StartAsync(directory.Combine("collector.db"));
        Monitoring.Configure(o =>
        {
            o.DatabasePath = store;
            o.ServiceName = "host-app";
            o.AddHttpExporter(e => e.Endpoint = collector.BaseAddress);
        });
        try
        {
            var work = new SystemWork();
            // Started together, each flow hops threads (await, Task.Run) in between the other's calls.
            var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Task a = Flow(work, "a", start.Task);
            Task b = Flow(work, "b", start.Task);
            start.SetResult();
            await Task.WhenAll(a, b);
            work.Step("none", 0);

            (await Monitoring.FlushAsync(TimeSpan.FromSeconds(60))).ShouldBeTrue();

            foreach (string database in new[] { store, collector.Database })
            {
                Count(database, "a", "tenant-a", "inst-a").ShouldBe(2 * Calls, database);
                Count(database, "b", "tenant-b", "inst-b").ShouldBe(2 * Calls, database);
                Scalar(database, """
                    SELECT count(*) FROM process_trace p JOIN data_trace d ON d.span_id = p.span_id AND d.data = 'flow'
                    WHERE d.data_value <> 'none' AND p.system_instance_id <> 'inst-' || d.data_value
                    """).ShouldBe(0L, "no span of one flow carries the other's system");
                // Outside any scope: the process's own system.
                Scalar(database, """
                    SELECT count(*) FROM process_trace p JOIN data_trace d ON d.span_id = p.span_id AND d.data = 'flow'
                    JOIN instances i ON i.system_instance_id = p.system_instance_id
                    WHERE d.data_value = 'none' AND p.service = 'host-app' AND i.system_name = 'host-app'
                    """).ShouldBe(1L, database);
                Scalar(database, "SELECT count(*) FROM instances WHERE system_instance_id IN ('inst-a', 'inst-b') AND system_id = 'id-' || substr(system_instance_id, 6);")
                    .ShouldBe(2L, database);
            }
        }
        finally
        {
            Monitoring.Shutdown(TimeSpan.FromSeconds(3));
        }
    }

    [Test]
    public void BeginSystem_refuses_empty_values_and_dispose_restores_the_outer_system()
    {
        Should.Throw<ArgumentException>(() => Monitoring.BeginSystem("", "id", "instance")).ParamName.ShouldBe("systemName");
        Should.Throw<ArgumentException>(() => Monitoring.BeginSystem("name", " ", "instance")).ParamName.ShouldBe("systemId");
        Should.Throw<ArgumentNullException>(() => Monitoring.BeginSystem("name", "id", null!)).ParamName.ShouldBe("systemInstanceId");

        using (Monitoring.BeginSystem("outer", "id-outer", "inst-outer"))
        {
            IDisposable inner = Monitoring.BeginSystem("inner", "id-inner", "inst-inner");
            SystemScope.Current!.SystemInstanceId.ShouldBe("inst-inner");
            inner.Dispose();
            inner.Dispose();
            SystemScope.Current!.SystemInstanceId.ShouldBe("inst-outer");
        }

        SystemScope.Current.ShouldBeNull();
    }

    private static async Task Flow(SystemWork work, string flow, Task start)
    {
        await start;
        using (Monitoring.BeginSystem("tenant-" + flow, "id-" + flow, "inst-" + flow))
        {
            for (int i = 0; i < Calls; i++)
            {
                await work.StepAsync(flow, i);
                await Task.Run(() => work.Step(flow, i));
            }
        }
    }

    private static long Count(string database, string flow, string service, string instance) => Scalar(database, $"""
        SELECT count(*) FROM process_trace p JOIN data_trace d ON d.span_id = p.span_id AND d.data = 'flow'
        WHERE d.data_value = '{flow}' AND p.service = '{service}' AND p.system_instance_id = '{instance}'
        """);

    private static long Scalar(string database, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={database};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }
}

public sealed class SystemWork
{
    [Monitor]
    public int Step(string flow, int i) => i;

    [Monitor]
    public async Task<int> StepAsync(string flow, int i)
    {
        await Task.Yield();
        return i;
    }
}
