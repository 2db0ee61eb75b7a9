using System;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Instrumentor.Logging.Tests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace Instrumentor.Logging.Tests.Pipeline;

public sealed class LogPipelineTests
{
    [Test]
    public async Task Eight_threads_of_ten_thousand_lines_are_each_delivered_exactly_once()
    {
        const int Threads = 8, PerThread = 10_000;
        using var directory = new TempDirectory("logging");
        await using RunningCollector collector = await RunningCollector.StartAsync(directory.Combine("collector.db"));
        InstrumentorLoggerOptions options = Pipelines.Options(directory, collector.Ingest);
        // A small buffer: the logging threads outrun the worker and must wait for room, not drop lines.
        options.BufferCapacity = 2_000;
        await using var provider = new InstrumentorLoggerProvider(options);
        ILogger logger = provider.CreateLogger("Load");

        using var start = new Barrier(Threads);
        Thread[] threads = Enumerable.Range(0, Threads).Select(t => new Thread(() =>
        {
            start.SignalAndWait();
            for (int i = 0; i < PerThread; i++)
            {
                TestLog.Line(logger, t, i);
            }
        })).ToArray();
        foreach (Thread thread in threads)
        {
            thread.Start();
        }

        foreach (Thread thread in threads)
        {
            thread.Join();
        }

        await provider.FlushAsync();

        collector.Count().ShouldBe(Threads * PerThread);
        collector.Count("SELECT count(DISTINCT json_extract(attributes, '$.Thread') || ':' || json_extract(attributes, '$.Seq')) FROM logs;")
            .ShouldBe(Threads * PerThread);
        provider.Counters.Received.ShouldBe(Threads * PerThread);
        provider.Counters.Delivered.ShouldBe(Threads * PerThread);
        provider.Counters.FellBack.ShouldBe(0);
        File.Exists(options.FallbackPath).ShouldBeFalse();
    }

    [Test]
    public async Task Collector_down_for_30_seconds_then_every_line_is_delivered_exactly_once()
    {
        using var directory = new TempDirectory("logging");
        int port = FreePort.Next();
        var endpoint = new Uri($"http://127.0.0.1:{port}/api/ingest");
        InstrumentorLoggerOptions options = Pipelines.Options(directory, endpoint);
        options.BatchSize = 100;
        await using var provider = new InstrumentorLoggerProvider(options);
        ILogger logger = provider.CreateLogger("Outage");

        // 30 s without a collector: one batch of 100 lines every 100 ms or so, all into the fallback file.
        DateTime downUntil = DateTime.UtcNow.AddSeconds(30);
        int logged = 0;
        while (DateTime.UtcNow < downUntil)
        {
            for (int i = 0; i < 100; i++)
            {
                TestLog.Line(logger, 0, logged++);
            }

            await Task.Delay(100);
        }

        await provider.FlushAsync();
        provider.Counters.Delivered.ShouldBe(0);
        provider.Counters.FellBack.ShouldBe(logged);
        File.Exists(options.FallbackPath).ShouldBeTrue();

        await using RunningCollector collector = await RunningCollector.StartAsync(directory.Combine("collector.db"), port);
        // The circuit is open at first: flush until its break ends and the probe lets the replay through.
        for (int attempt = 0; attempt < 50 && provider.Counters.Replayed < logged; attempt++)
        {
            await Task.Delay(200);
            await provider.FlushAsync();
        }

        collector.Count().ShouldBe(logged);
        collector.Count("SELECT count(DISTINCT json_extract(attributes, '$.Seq')) FROM logs;").ShouldBe(logged);
        provider.Counters.Replayed.ShouldBe(logged);
        provider.Counters.Duplicates.ShouldBe(0);
        File.Exists(options.FallbackPath).ShouldBeFalse();

        // And lines logged after the outage go straight through.
        TestLog.Line(logger, 1, 0);
        await provider.FlushAsync();
        collector.Count().ShouldBe(logged + 1);
    }

    [Test]
    public async Task A_batch_replayed_after_a_lost_answer_is_not_stored_twice()
    {
        using var directory = new TempDirectory("logging");
        await using RunningCollector collector = await RunningCollector.StartAsync(directory.Combine("collector.db"));
        InstrumentorLoggerOptions options = Pipelines.Options(directory, collector.Ingest);
        LogRecord[] records = Enumerable.Range(0, 25).Select(i => new LogRecord("Information", $"line {i}")).ToArray();
        byte[] body = LogSender.Body(records);

        // The collector commits the batch, but the answer never reaches us: it is still in the fallback file.
        using (var sender = new LogSender(options))
        {
            (await sender.SendAsync(body, "batch-1", 25, CancellationToken.None)).Result.ShouldBe(new LogIngestResult(25, 0));
        }

        new FallbackSpool(options.FallbackPath!).Append("batch-1", records.Length, body);
        await using var provider = new InstrumentorLoggerProvider(options);
        await provider.FlushAsync();

        collector.Count().ShouldBe(25);
        provider.Counters.Duplicates.ShouldBe(25);
        provider.Counters.Delivered.ShouldBe(0);
        File.Exists(options.FallbackPath).ShouldBeFalse();
    }

    [Test]
    public async Task Lines_left_in_the_fallback_file_by_a_previous_run_are_replayed_by_the_next()
    {
        using var directory = new TempDirectory("logging");
        int port = FreePort.Next();
        InstrumentorLoggerOptions options = Pipelines.Options(directory, new Uri($"http://127.0.0.1:{port}/api/ingest"));
        await using (var first = new InstrumentorLoggerProvider(options))
        {
            ILogger logger = first.CreateLogger("Run1");
            for (int i = 0; i < 40; i++)
            {
                TestLog.Line(logger, 0, i);
            }

            await first.FlushAsync();
            first.Counters.FellBack.ShouldBe(40);
        }

        await using RunningCollector collector = await RunningCollector.StartAsync(directory.Combine("collector.db"), port);
        await using (var second = new InstrumentorLoggerProvider(options))
        {
            await second.FlushAsync();
            second.Counters.Replayed.ShouldBe(40);
        }

        collector.Count().ShouldBe(40);
    }

    [Test]
    public async Task Lines_are_batched_by_size()
    {
        using var directory = new TempDirectory("logging");
        await using RunningCollector collector = await RunningCollector.StartAsync(directory.Combine("collector.db"));
        InstrumentorLoggerOptions options = Pipelines.Options(directory, collector.Ingest);
        options.BatchSize = 10;
        options.Interval = TimeSpan.FromMinutes(1);
        await using var provider = new InstrumentorLoggerProvider(options);
        ILogger logger = provider.CreateLogger("Batches");
        for (int i = 0; i < 25; i++)
        {
            TestLog.Line(logger, 0, i);
        }

        // Two full batches leave without a flush; the last 5 lines wait for the interval or a flush.
        for (int wait = 0; wait < 100 && collector.Count() < 20; wait++)
        {
            await Task.Delay(50);
        }

        collector.Count().ShouldBe(20);
        await provider.FlushAsync();
        collector.Count().ShouldBe(25);
    }

    [Test]
    public async Task Lines_are_batched_by_interval()
    {
        using var directory = new TempDirectory("logging");
        await using RunningCollector collector = await RunningCollector.StartAsync(directory.Combine("collector.db"));
        InstrumentorLoggerOptions options = Pipelines.Options(directory, collector.Ingest);
        options.BatchSize = 1_000;
        options.Interval = TimeSpan.FromMilliseconds(200);
        await using var provider = new InstrumentorLoggerProvider(options);
        TestLog.Line(provider.CreateLogger("Interval"), 0, 0);

        // No flush: the interval alone sends the lone line.
        for (int wait = 0; wait < 100 && collector.Count() < 1; wait++)
        {
            await Task.Delay(50);
        }

        collector.Count().ShouldBe(1);
    }
}
