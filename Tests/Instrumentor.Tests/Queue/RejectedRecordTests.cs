using System;
using System.Diagnostics.Metrics;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading;
using Instrumentor.Testing;
using Microsoft.Data.Sqlite;

namespace Instrumentor.Tests.Queue;

/// <summary>A batch the store refuses for its content is bisected; a store failure is retried; a commit is never repeated.</summary>
[NonParallelizable]
public class RejectedRecordTests
{
    [TearDown]
    public void TearDown() => Monitoring.Shutdown(TimeSpan.FromSeconds(5));

    [Test]
    public void Writer_sets_aside_the_one_record_the_sink_rejects_and_commits_the_rest_of_its_batch()
    {
        using TracingScope tracing = TracingScope.Start();
        tracing.Sink.Rejects = span => span.Inputs.TryGetValue("a", out string? a) && a == "137";
        // Hold the writer so the 300 records reach it as few large batches.
        tracing.Sink.Gate.Reset();
        SpanFactory.CallAdd(-1, 0);
        SpinWait.SpinUntil(() => tracing.Sink.HeldAtGate, TimeSpan.FromSeconds(10)).ShouldBeTrue();
        for (int i = 0; i < 300; i++)
        {
            SpanFactory.CallAdd(i, 1);
        }

        tracing.Sink.Gate.Set();
        var spans = tracing.Flush();

        spans.Count.ShouldBe(300);
        spans.ShouldNotContain(s => s.Inputs["a"] == "137");
        tracing.Sink.Duplicates.ShouldBe(0);
        MonitoringStats stats = tracing.Pipeline.Stats;
        stats.Rejected.ShouldBe(1);
        stats.Dropped.ShouldBe(0);
        stats.Enqueued.ShouldBe(stats.Written + stats.Rejected + stats.Dropped);
        stats.QueueDepth.ShouldBe(0);

        string[] lines = ReadShared(tracing.RejectedPath).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Length.ShouldBe(1);
        using JsonDocument line = JsonDocument.Parse(lines[0]);
        JsonElement rejected = line.RootElement;
        rejected.GetProperty("process").GetString().ShouldBe("Tests.Calc.Add");
        rejected.GetProperty("reason").GetString().ShouldBe("System.ArgumentException: simulated row the store refuses");
        rejected.GetProperty("status").GetString().ShouldBe("OK");
        rejected.GetProperty("span_id").GetString()!.Length.ShouldBe(16);
        rejected.GetProperty("trace_id").GetString()!.Length.ShouldBe(32);
        using JsonDocument data = JsonDocument.Parse(rejected.GetProperty("data").GetString()!);
        data.RootElement[0].GetProperty("v").GetString().ShouldBe("137");
    }

    [Test]
    public void A_store_failure_is_retried_with_the_same_batch_not_bisected()
    {
        using TracingScope tracing = TracingScope.Start();
        tracing.Sink.Failure = () => new SqliteException("database is locked", 5);
        tracing.Sink.FailNextWrites(4);
        for (int i = 0; i < 100; i++)
        {
            SpanFactory.CallAdd(i, 1);
        }

        tracing.Flush().Count.ShouldBe(100);
        MonitoringStats stats = tracing.Pipeline.Stats;
        stats.Rejected.ShouldBe(0);
        stats.FailedBatches.ShouldBe(4);
        tracing.Sink.EmptyWrites.ShouldBe(0, "a failure known to be the store's needs no probe");
        File.Exists(tracing.RejectedPath).ShouldBeFalse();
    }

    [Test]
    public void A_failure_of_unknown_kind_that_also_fails_an_empty_batch_is_the_stores_and_sets_nothing_aside()
    {
        using TracingScope tracing = TracingScope.Start();
        tracing.Sink.Failure = () => new InvalidOperationException("the store is in a bad state");
        tracing.Sink.FailNextWrites(3); // the batch, then the probe, then the retry
        for (int i = 0; i < 100; i++)
        {
            SpanFactory.CallAdd(i, 1);
        }

        tracing.Flush().Count.ShouldBe(100);
        tracing.Pipeline.Stats.Rejected.ShouldBe(0);
        File.Exists(tracing.RejectedPath).ShouldBeFalse();
    }

    [TestCase(5, true)] // SQLITE_BUSY
    [TestCase(6, true)] // SQLITE_LOCKED
    [TestCase(13, true)] // SQLITE_FULL
    [TestCase(10, true)] // SQLITE_IOERR
    [TestCase(11, true)] // SQLITE_CORRUPT
    [TestCase(18, false)] // SQLITE_TOOBIG
    [TestCase(19, false)] // SQLITE_CONSTRAINT
    [TestCase(20, false)] // SQLITE_MISMATCH
    [TestCase(25, false)] // SQLITE_RANGE
    public void SQLite_errors_are_the_stores_except_those_a_rows_content_causes(int code, bool store) =>
        SinkFailure.IsStoreFailure(new SqliteException("x", code)).ShouldBe(store);

    [Test]
    public void IO_and_access_errors_are_the_stores_and_other_exceptions_are_not_decided_by_their_kind()
    {
        SinkFailure.IsStoreFailure(new IOException("disk")).ShouldBeTrue();
        SinkFailure.IsStoreFailure(new UnauthorizedAccessException()).ShouldBeTrue();
        SinkFailure.IsStoreFailure(new ArgumentException("value")).ShouldBeFalse();
        SinkFailure.IsStoreFailure(new InvalidCastException()).ShouldBeFalse();
    }

    [Test]
    public void The_message_of_a_store_failure_says_what_happened()
    {
        SinkFailure.Advice(new SqliteException("database is locked", 5)).ShouldContain("locked by another connection");
        SinkFailure.Advice(new SqliteException("disk full", 13)).ShouldContain("disk is full");
        SinkFailure.Advice(new SqliteException("unable to open", 14)).ShouldContain(MonitoringOptions.DatabasePathVariable);
        SinkFailure.Advice(new SqliteException("locked", 5)).ShouldNotContain(MonitoringOptions.DatabasePathVariable);
    }

    [Test]
    public void A_batch_committed_before_a_metrics_listener_throws_is_not_written_again()
    {
        InstrumentorMetrics.EnsureCreated();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == InstrumentorMetrics.MeterName && instrument.Name == "instrumentor.write.latency")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((_, _, _, _) => throw new InvalidOperationException("a broken exporter"));
        listener.Start();

        using TracingScope tracing = TracingScope.Start();
        for (int i = 0; i < 500; i++)
        {
            SpanFactory.CallAdd(i, 1);
        }

        var spans = tracing.Flush();

        tracing.Sink.Duplicates.ShouldBe(0);
        spans.Count.ShouldBe(500);
        MonitoringStats stats = tracing.Pipeline.Stats;
        stats.Written.ShouldBe(500);
        stats.FailedBatches.ShouldBe(0);
    }

    private static string ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
