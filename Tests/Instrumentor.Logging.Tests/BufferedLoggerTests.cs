using System;
using System.Diagnostics;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using Instrumentor.Logging.Tests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace Instrumentor.Logging.Tests;

public sealed class BufferedLoggerTests
{
    [Test]
    public async Task FlushAsync_ships_the_buffered_lines_and_returns_the_collectors_ingested_count()
    {
        using var directory = new TempDirectory("logging");
        await using RunningCollector collector = await RunningCollector.StartAsync(directory.Combine("collector.db"));
        using var buffered = new BufferedLogger(collector.Ingest.ToString());

        buffered.Logger.LogInformation("one {N}", 1);
        buffered.Logger.LogWarning("two");
        buffered.Logger.LogDebug("below the default minimum");
        buffered.Records.Count.ShouldBe(2);

        LogIngestResult result = await buffered.FlushAsync();

        result.ShouldBe(new LogIngestResult(2, 0));
        buffered.Records.ShouldBeEmpty();
        collector.Count().ShouldBe(2);
        (await buffered.FlushAsync()).ShouldBe(default(LogIngestResult));
    }

    [Test]
    public async Task Clear_drops_the_buffered_lines()
    {
        using var directory = new TempDirectory("logging");
        await using RunningCollector collector = await RunningCollector.StartAsync(directory.Combine("collector.db"));
        using var buffered = new BufferedLogger(collector.Ingest.ToString());
        buffered.Logger.LogInformation("dropped");
        buffered.Clear();
        buffered.Logger.LogInformation("kept");

        (await buffered.FlushAsync()).Ingested.ShouldBe(1);
        collector.Count("SELECT count(*) FROM logs WHERE message = 'kept';").ShouldBe(1);
        collector.Count().ShouldBe(1);
    }

    [Test]
    public async Task TraceScope_is_a_span_whose_lines_are_flushed_when_it_ends()
    {
        using var directory = new TempDirectory("logging");
        await using RunningCollector collector = await RunningCollector.StartAsync(directory.Combine("collector.db"));
        using var buffered = new BufferedLogger(collector.Ingest.ToString());
        string traceId, spanId;
        using (buffered.TraceScope("batch_job"))
        {
            traceId = Activity.Current!.TraceId.ToHexString();
            spanId = Activity.Current.SpanId.ToHexString();
            buffered.Logger.LogInformation("step 1");
            buffered.Logger.LogInformation("step 2");
            collector.Count().ShouldBe(0);
        }

        Activity.Current.ShouldBeNull();
        collector.Count($"SELECT count(*) FROM logs WHERE trace_id = '{traceId}' AND span_id = '{spanId}';").ShouldBe(2);
        JsonElement page = await collector.GetJsonAsync($"/api/logs?trace_id={traceId}&span_id={spanId}");
        page.GetProperty("items").GetArrayLength().ShouldBe(2);
    }

    [Test]
    public async Task A_flush_to_a_down_collector_keeps_the_lines_and_a_later_flush_stores_them_once()
    {
        using var directory = new TempDirectory("logging");
        int port = FreePort.Next();
        var endpoint = new Uri($"http://127.0.0.1:{port}/api/ingest");
        using var buffered = new BufferedLogger(new InstrumentorLoggerOptions { Endpoint = endpoint, MaxRetries = 1, RetryBackoff = TimeSpan.FromMilliseconds(10) });
        buffered.Logger.LogInformation("waits for the collector");

        LogShipmentException error = await Should.ThrowAsync<LogShipmentException>(() => buffered.FlushAsync());
        error.Message.ShouldContain($"127.0.0.1:{port}");
        error.Rejected.ShouldBeFalse();

        await using RunningCollector collector = await RunningCollector.StartAsync(directory.Combine("collector.db"), port);
        (await buffered.FlushAsync()).Ingested.ShouldBe(1);
        collector.Count().ShouldBe(1);
    }

    [Test]
    public void A_bad_url_is_a_clear_error()
    {
        ArgumentException error = Should.Throw<ArgumentException>(() => new BufferedLogger("localhost:4318/api/ingest"));
        error.Message.ShouldContain("is not an absolute http:// or https:// URL");
    }

    [Test]
    public async Task LogShipper_SendAsync_sends_records_and_returns_the_answer()
    {
        using var directory = new TempDirectory("logging");
        await using RunningCollector collector = await RunningCollector.StartAsync(directory.Combine("collector.db"));
        LogRecord[] records =
        [
            new("Information", "shipped by hand") { Logger = "Seed", TraceId = "0123456789abcdef0123456789abcdef", SpanId = "0123456789abcdef" },
            new("Error", "with exception") { Exception = LogException.From(new InvalidOperationException("boom")) },
        ];

        LogIngestResult result = await LogShipper.SendAsync(records, collector.Ingest.ToString());

        result.Ingested.ShouldBe(2);
        collector.Count("SELECT count(*) FROM logs WHERE span_id = '0123456789abcdef' AND logger = 'Seed';").ShouldBe(1);
        collector.Count("SELECT count(*) FROM logs WHERE json_extract(exception, '$.message') = 'boom';").ShouldBe(1);
    }

    [Test]
    public async Task LogShipper_reports_a_refused_batch_as_rejected()
    {
        using var directory = new TempDirectory("logging");
        await using RunningCollector collector = await RunningCollector.StartAsync(directory.Combine("collector.db"));
        LogRecord[] records = [new("Information", "bad ids") { TraceId = "not-hex" }];

        LogShipmentException error = await Should.ThrowAsync<LogShipmentException>(() => LogShipper.SendAsync(records, collector.Ingest));

        error.Rejected.ShouldBeTrue();
        error.Message.ShouldContain("400");
        collector.Count().ShouldBe(0);
    }
}
