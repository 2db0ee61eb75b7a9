using System;
using System.IO;
using System.Linq;
using Instrumentor.Testing;

namespace Instrumentor.Tests;

[NonParallelizable]
public class MonitoringTests
{
    [TearDown]
    public void TearDown() => Monitoring.Shutdown(TimeSpan.FromSeconds(5));

    [Test]
    public void Configure_after_the_pipeline_started_is_refused_with_a_clear_message()
    {
        using TracingScope tracing = TracingScope.Start();
        SpanFactory.CallAdd(1, 1);

        var error = Should.Throw<InvalidOperationException>(() => Monitoring.Configure(o => o.QueueCapacity = 5));
        error.Message.ShouldContain("before the first monitored call");
    }

    [Test]
    public void Invalid_options_are_refused_naming_the_option()
    {
        var error = Should.Throw<ArgumentException>(() => Monitoring.Configure(o => o.QueueCapacity = 0));
        error.Message.ShouldContain("QueueCapacity");
    }

    [Test]
    public void The_default_database_path_comes_from_INSTRUMENTOR_DB()
    {
        string? previous = Environment.GetEnvironmentVariable(MonitoringOptions.DatabasePathVariable);
        try
        {
            Environment.SetEnvironmentVariable(MonitoringOptions.DatabasePathVariable, "/tmp/elsewhere.db");
            new MonitoringOptions().DatabasePath.ShouldBe("/tmp/elsewhere.db");
            Environment.SetEnvironmentVariable(MonitoringOptions.DatabasePathVariable, null);
            new MonitoringOptions().DatabasePath.ShouldBe("traces.db");
        }
        finally
        {
            Environment.SetEnvironmentVariable(MonitoringOptions.DatabasePathVariable, previous);
        }
    }

    [Test]
    public void An_unwritable_database_gives_one_clear_error_and_the_program_keeps_running()
    {
        TextWriter original = Console.Error;
        var captured = new StringWriter();
        Console.SetError(captured);
        try
        {
            // A path under a regular file can never be created.
            string file = Path.GetTempFileName();
            Monitoring.Configure(o => o.DatabasePath = Path.Combine(file, "sub", "traces.db"));
            for (int i = 0; i < 100; i++)
            {
                SpanFactory.CallAdd(i, i).ShouldBe(2 * i);
                SpanFactory.CallFail("still fine");
            }

            Monitoring.FlushAsync(TimeSpan.FromMilliseconds(500)).GetAwaiter().GetResult().ShouldBeFalse();
            MonitoringStats stats = Monitoring.Stats;
            stats.Written.ShouldBe(0);
            stats.FailedBatches.ShouldBeGreaterThan(0);
        }
        finally
        {
            Monitoring.Shutdown(TimeSpan.FromMilliseconds(200));
            Console.SetError(original);
        }

        string[] lines = captured.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.ShouldContain(l => l.StartsWith("Instrumentor: cannot write traces to", StringComparison.Ordinal));
        lines.Count(l => l.Contains("cannot write traces to", StringComparison.Ordinal)).ShouldBe(1);
    }
}
