using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using Instrumentor.Logging.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Instrumentor.Logging.Tests.Outputs;

public sealed class OutputsTests
{
    [TestCase(true)]
    [TestCase(false)]
    public async Task Collector_file_and_store_outputs_each_get_every_line(bool compress)
    {
        using var directory = new TempDirectory("logging");
        await using RunningCollector collector = await RunningCollector.StartAsync(directory.Combine("collector.db"));
        InstrumentorLoggerOptions options = Pipelines.Options(directory, collector.Ingest);
        options.Compress = compress;
        options.FilePath = System.IO.Path.Combine(directory.Path, "logs", "app.jsonl");
        options.Store = true;
        options.StorePath = directory.Combine("traces.db");
        await using (var provider = new InstrumentorLoggerProvider(options))
        {
            ILogger logger = provider.CreateLogger("Outputs");
            for (int i = 0; i < 30; i++)
            {
                TestLog.OrderPriced(logger, i, i + 0.5m);
            }

            TestLog.OrderFailed(logger, 99, new InvalidOperationException("declined"));
            await provider.FlushAsync();
        }

        collector.Count().ShouldBe(31);
        string[] lines = File.ReadAllLines(options.FilePath);
        lines.Length.ShouldBe(31);
        JsonElement first = JsonDocument.Parse(lines[0]).RootElement;
        first.GetProperty("event").GetString().ShouldBe("order 0 priced at 0.5");
        first.GetProperty("OrderId").GetInt32().ShouldBe(0);
        DateTimeOffset.Parse(first.GetProperty("timestamp").GetString()!, System.Globalization.CultureInfo.InvariantCulture).Offset.ShouldBe(TimeSpan.Zero);

        using var store = new SqliteConnection($"Data Source={options.StorePath};Mode=ReadOnly;Pooling=False");
        store.Open();
        using SqliteCommand command = store.CreateCommand();
        command.CommandText = "SELECT count(*), sum(json_extract(attributes, '$.OrderId')), count(exception), max(service) FROM logs;";
        using SqliteDataReader row = command.ExecuteReader();
        row.Read();
        row.GetInt64(0).ShouldBe(31);
        row.GetInt64(1).ShouldBe(Enumerable.Range(0, 30).Sum() + 99);
        row.GetInt64(2).ShouldBe(1);
        row.GetString(3).ShouldBe("logging-tests");
    }

    [Test]
    public async Task The_store_output_writes_the_logs_view_next_to_the_spans()
    {
        using var directory = new TempDirectory("logging");
        string db = directory.Combine("traces.db");
        InstrumentorLoggerOptions options = Pipelines.Options(directory, endpoint: null);
        options.Store = true;
        options.StorePath = db;
        await using (var provider = new InstrumentorLoggerProvider(options))
        {
            provider.CreateLogger("Store").LogWarning("stored {What}", "locally");
            await provider.FlushAsync();
        }

        using var store = new SqliteConnection($"Data Source={db};Mode=ReadOnly;Pooling=False");
        store.Open();
        using SqliteCommand command = store.CreateCommand();
        command.CommandText = "SELECT ts, level, logger, message, json_extract(attributes, '$.What'), (SELECT user_version FROM pragma_user_version) FROM logs;";
        using SqliteDataReader row = command.ExecuteReader();
        row.Read().ShouldBeTrue();
        row.GetString(0).ShouldMatch(@"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$");
        row.GetString(1).ShouldBe("Warning");
        row.GetString(2).ShouldBe("Store");
        row.GetString(3).ShouldBe("stored locally");
        row.GetString(4).ShouldBe("locally");
        row.GetInt64(5).ShouldBe(6);
    }
}
