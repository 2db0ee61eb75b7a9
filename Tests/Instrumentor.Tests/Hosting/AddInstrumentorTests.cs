using System;
using System.Collections.Generic;
using System.IO;
using System.Threading.Tasks;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Instrumentor.Tests.Hosting;

/// <summary><c>services.AddInstrumentor(...)</c> in a real host: binding, validation at start, start and stop of the pipeline.</summary>
[NonParallelizable]
public class AddInstrumentorTests
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
    public void Options_are_bound_from_the_Instrumentor_section_of_the_configuration()
    {
        using IHost host = BuildHost(new()
        {
            ["Instrumentor:DatabasePath"] = "/var/lib/app/traces.db",
            ["Instrumentor:ServiceName"] = "orders-api",
            ["Instrumentor:QueueCapacity"] = "20000",
            ["Instrumentor:QueueWarningThreshold"] = "15000",
            ["Instrumentor:MinBatchSize"] = "50",
            ["Instrumentor:MaxBatchSize"] = "2000",
            ["Instrumentor:FlushInterval"] = "00:00:00.250",
            ["Instrumentor:ShutdownTimeout"] = "00:00:07",
        });

        MonitoringOptions options = host.Services.GetRequiredService<IOptions<MonitoringOptions>>().Value;

        options.DatabasePath.ShouldBe("/var/lib/app/traces.db");
        options.ServiceName.ShouldBe("orders-api");
        options.QueueCapacity.ShouldBe(20_000);
        options.QueueWarningThreshold.ShouldBe(15_000);
        options.MinBatchSize.ShouldBe(50);
        options.MaxBatchSize.ShouldBe(2_000);
        options.FlushInterval.ShouldBe(TimeSpan.FromMilliseconds(250));
        options.ShutdownTimeout.ShouldBe(TimeSpan.FromSeconds(7));
    }

    [Test]
    public void Keys_that_are_not_in_the_configuration_keep_their_defaults()
    {
        using IHost host = BuildHost(new() { ["Instrumentor:ServiceName"] = "worker" });

        MonitoringOptions options = host.Services.GetRequiredService<IOptions<MonitoringOptions>>().Value;

        var defaults = new MonitoringOptions();
        options.ServiceName.ShouldBe("worker");
        options.DatabasePath.ShouldBe(defaults.DatabasePath);
        options.QueueCapacity.ShouldBe(MonitoringOptions.DefaultQueueCapacity);
        options.FlushInterval.ShouldBe(MonitoringOptions.DefaultFlushInterval);
        options.ShutdownTimeout.ShouldBe(MonitoringOptions.DefaultShutdownTimeout);
    }

    [Test]
    public void Options_set_in_code_apply_on_top_of_the_defaults()
    {
        var builder = Host.CreateEmptyApplicationBuilder(settings: null);
        builder.Services.AddInstrumentor(o => o.QueueCapacity = 123);
        using IHost host = builder.Build();

        host.Services.GetRequiredService<IOptions<MonitoringOptions>>().Value.QueueCapacity.ShouldBe(123);
    }

    [Test]
    public async Task An_invalid_option_stops_the_host_at_start_with_a_message_naming_it()
    {
        using IHost host = BuildHost(new()
        {
            ["Instrumentor:DatabasePath"] = Path.Combine(_directory, "never.db"),
            ["Instrumentor:QueueCapacity"] = "0",
            ["Instrumentor:MaxBatchSize"] = "10",
            ["Instrumentor:MinBatchSize"] = "20",
        });

        var error = await Should.ThrowAsync<OptionsValidationException>(() => host.StartAsync());

        error.Message.ShouldContain("MonitoringOptions.QueueCapacity must be at least 1");
        error.Message.ShouldContain("Instrumentor:QueueCapacity");
        error.Message.ShouldContain("MonitoringOptions.MaxBatchSize must be at least MinBatchSize");
        RecordQueue.Current.ShouldBeNull("the pipeline must not start with invalid options");
        File.Exists(Path.Combine(_directory, "never.db")).ShouldBeFalse();
    }

    [Test]
    public async Task A_value_that_does_not_convert_stops_the_host_at_start_naming_the_key()
    {
        using IHost host = BuildHost(new() { ["Instrumentor:QueueCapacity"] = "lots" });

        var error = await Should.ThrowAsync<InvalidOperationException>(() => host.StartAsync());

        error.Message.ShouldContain("Instrumentor:QueueCapacity");
        RecordQueue.Current.ShouldBeNull();
    }

    [Test]
    public async Task An_unknown_key_is_refused_rather_than_silently_ignored()
    {
        // SampleRate is set per method ([Monitor(SampleRate = ...)]), not in the options: a key for it is a mistake.
        using IHost host = BuildHost(new() { ["Instrumentor:SampleRate"] = "0.5" });

        var error = await Should.ThrowAsync<InvalidOperationException>(() => host.StartAsync());

        error.Message.ShouldContain("SampleRate");
        RecordQueue.Current.ShouldBeNull();
    }

    [Test]
    public async Task Starting_the_host_starts_the_pipeline_and_stopping_it_flushes_every_span_to_sqlite()
    {
        string db = Path.Combine(_directory, "hosted.db");
        using IHost host = BuildHost(new()
        {
            ["Instrumentor:DatabasePath"] = db,
            ["Instrumentor:ServiceName"] = "hosted-tests",
            ["Instrumentor:FlushInterval"] = "00:00:05", // the writer would not wake up by itself before the stop
        });

        await host.StartAsync();
        RecordQueue.Current.ShouldNotBeNull().Options.DatabasePath.ShouldBe(db);
        for (int i = 0; i < 250; i++)
        {
            SpanFactory.CallAdd(i, 1);
        }

        await host.StopAsync();

        RecordQueue.Current.ShouldBeNull("the host's stop shuts the pipeline down");
        Count(db, "SELECT count(*) FROM process_trace WHERE process = 'Tests.Calc.Add' AND service = 'hosted-tests'").ShouldBe(250);
        Count(db, "SELECT count(*) FROM data_trace WHERE data = 'a' AND data_value = '249'").ShouldBe(1);
    }

    [Test]
    public async Task Spans_recorded_before_the_host_started_are_kept_and_later_ones_use_the_configured_options()
    {
        string early = Path.Combine(_directory, "early.db");
        string configured = Path.Combine(_directory, "configured.db");
        Monitoring.Configure(o => o.DatabasePath = early);
        SpanFactory.CallAdd(1, 1); // e.g. a monitored call while the services were being built

        using IHost host = BuildHost(new() { ["Instrumentor:DatabasePath"] = configured });
        await host.StartAsync();
        SpanFactory.CallAdd(2, 2);
        SpanFactory.CallAdd(3, 3);
        await host.StopAsync();

        Count(early, "SELECT count(*) FROM process_trace").ShouldBe(1);
        Count(configured, "SELECT count(*) FROM process_trace").ShouldBe(2);
    }

    [Test]
    public async Task A_size_beyond_what_the_pipeline_can_allocate_stops_the_host_naming_the_key()
    {
        using IHost host = BuildHost(new() { ["Instrumentor:QueueCapacity"] = "2147483647", ["Instrumentor:MaxBatchSize"] = "1073741824" });

        var error = await Should.ThrowAsync<OptionsValidationException>(() => host.StartAsync());

        error.Message.ShouldContain("MonitoringOptions.QueueCapacity must be at most 16,777,216");
        error.Message.ShouldContain("Instrumentor:QueueCapacity");
        error.Message.ShouldContain("MonitoringOptions.MaxBatchSize must be at most 1,048,576");
        RecordQueue.Current.ShouldBeNull();
    }

    [Test]
    public async Task Records_lost_at_the_hosts_stop_are_logged_with_their_real_count()
    {
        // A database under a regular file can never be created, and without a spool nothing can be saved: every record is lost.
        string file = Path.Combine(_directory, "a-file");
        File.WriteAllText(file, "");
        var logs = new ListLoggerProvider();
        using IHost host = BuildHost(new()
        {
            ["Instrumentor:DatabasePath"] = Path.Combine(file, "sub", "traces.db"),
            ["Instrumentor:OverflowPolicy"] = "DropNewest",
            ["Instrumentor:ShutdownTimeout"] = "00:00:00.200",
        }, logs);
        TextWriter stderr = Console.Error;
        Console.SetError(TextWriter.Null);
        try
        {
            await host.StartAsync();
            for (int i = 0; i < 25; i++)
            {
                SpanFactory.CallAdd(i, 1);
            }

            await host.StopAsync();
        }
        finally
        {
            Console.SetError(stderr);
        }

        logs.Messages.ShouldContain("Instrumentor: trace records were lost at shutdown (25 dropped in total).");
    }

    private static IHost BuildHost(Dictionary<string, string?> settings, ILoggerProvider? logs = null)
    {
        HostApplicationBuilder builder = Host.CreateEmptyApplicationBuilder(settings: null);
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddInstrumentor(builder.Configuration);
        if (logs is not null)
        {
            builder.Logging.AddProvider(logs);
        }

        return builder.Build();
    }

    /// <summary>Keeps every message logged, for assertions.</summary>
    private sealed class ListLoggerProvider : ILoggerProvider, ILogger
    {
        private readonly List<string> _messages = new();

        public IReadOnlyList<string> Messages
        {
            get
            {
                lock (_messages)
                {
                    return _messages.ToArray();
                }
            }
        }

        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (_messages)
            {
                _messages.Add(formatter(state, exception));
            }
        }

        public void Dispose()
        {
        }
    }

    private static long Count(string path, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)command.ExecuteScalar()!;
    }
}
