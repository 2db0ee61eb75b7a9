using System;
using System.IO;
using System.Threading;
using Microsoft.Data.Sqlite;

namespace Instrumentor.Tests.Queue;

/// <summary>The first monitored call starts the pipeline without doing its work: no allocation of the ring, no disk I/O on the caller's thread.</summary>
[NonParallelizable]
public class PipelineStartTests
{
    private string _directory = "";

    [SetUp]
    public void SetUp()
    {
        Monitoring.Shutdown(TimeSpan.FromSeconds(5));
        _directory = Path.Combine(Path.GetTempPath(), "instrumentor-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
    }

    [TearDown]
    public void TearDown()
    {
        Monitoring.Shutdown(TimeSpan.FromSeconds(5));
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Test]
    public void The_first_monitored_call_leaves_the_ring_the_spool_and_the_store_to_another_thread_and_loses_nothing_meanwhile()
    {
        string db = Path.Combine(_directory, "traces.db");
        Monitoring.Configure(o => o.DatabasePath = db);

        // Records arriving while the pipeline starts wait for it instead of being lost or blocking the caller.
        for (int i = 0; i < 10_000; i++)
        {
            SpanFactory.CallAdd(i, 1);
        }

        Pipeline pipeline = RecordQueue.Current.ShouldNotBeNull();
        Monitoring.FlushAsync(TimeSpan.FromSeconds(30)).GetAwaiter().GetResult().ShouldBeTrue();

        pipeline.StartedOnThreadId.ShouldNotBe(Environment.CurrentManagedThreadId);
        File.Exists(db + ".spool").ShouldBeTrue("the spool was opened, by the starter thread");
        MonitoringStats stats = Monitoring.Stats;
        stats.Enqueued.ShouldBe(10_000);
        stats.Written.ShouldBe(10_000);
        stats.Dropped.ShouldBe(0);
    }

    [Test]
    public void A_pipeline_shut_down_before_it_finished_starting_writes_what_it_received()
    {
        string db = Path.Combine(_directory, "traces.db");
        Monitoring.Configure(o => o.DatabasePath = db);
        SpanFactory.CallAdd(1, 1);
        SpanFactory.CallFail("early");

        Monitoring.Shutdown(TimeSpan.FromSeconds(10)).ShouldBeTrue();

        using var connection = new SqliteConnection($"Data Source={db};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM process_trace";
        ((long)command.ExecuteScalar()!).ShouldBe(2);
    }

    [TestCase(nameof(MonitoringOptions.QueueCapacity), int.MaxValue)]
    [TestCase(nameof(MonitoringOptions.QueueCapacity), (1 << 30) + 1)]
    [TestCase(nameof(MonitoringOptions.MaxBatchSize), 1 << 30)]
    public void Sizes_beyond_what_the_pipeline_can_allocate_are_refused_naming_the_option(string option, int value)
    {
        var error = Should.Throw<ArgumentException>(() => Monitoring.Configure(o =>
        {
            if (option == nameof(MonitoringOptions.QueueCapacity))
            {
                o.QueueCapacity = value;
            }
            else
            {
                o.MaxBatchSize = value;
            }
        }));

        error.ParamName.ShouldBe(option);
        error.Message.ShouldContain($"MonitoringOptions.{option} must be at most");
    }

    [Test]
    public void Intervals_longer_than_a_thread_can_wait_are_refused_naming_the_option()
    {
        Should.Throw<ArgumentException>(() => Monitoring.Configure(o => o.FlushInterval = TimeSpan.MaxValue)).ParamName.ShouldBe("FlushInterval");
        Should.Throw<ArgumentException>(() => Monitoring.Configure(o => o.ShutdownTimeout = TimeSpan.FromDays(365))).ParamName.ShouldBe("ShutdownTimeout");
        Should.Throw<ArgumentException>(() => Monitoring.Configure(o => o.PurgeInterval = TimeSpan.MaxValue)).ParamName.ShouldBe("PurgeInterval");
    }
}
