using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using Instrumentor.Runtime;
using Instrumentor.Testing;
using Microsoft.Data.Sqlite;

namespace Instrumentor.Tests.Queue;

/// <summary>Whatever user code runs on the writer or the spooler (exception text, formatters), one record's failure costs only its text.</summary>
[NonParallelizable]
public class BadRecordTests
{
    private static readonly MonitorSite s_formatted = new("Tests.Bad.Formatted", null, new[] { "value" }, 1.0, 1000);

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

    [TestCase(Hostile.ToString)]
    [TestCase(Hostile.StackTrace)]
    [TestCase(Hostile.Message)]
    [TestCase(Hostile.Everything)]
    public void An_exception_whose_text_throws_is_stored_with_a_placeholder_and_every_later_record_is_written(Hostile hostile)
    {
        string db = Path.Combine(_directory, "traces.db");
        var options = new MonitoringOptions { DatabasePath = db };
        Pipeline pipeline = RecordQueue.StartWith(options, new SqliteSpanSink(db, "bad-records"));

        Swallow(() => SpanFactory.Call(SpanFactory.Fail, () => throw new HostileException(hostile)));
        for (int i = 0; i < 1000; i++)
        {
            SpanFactory.CallAdd(i, 1);
        }

        pipeline.FlushAsync(TimeSpan.FromSeconds(30)).GetAwaiter().GetResult().ShouldBeTrue("the writer is not stalled");
        MonitoringStats stats = pipeline.Stats;
        stats.Written.ShouldBe(1001);
        stats.Dropped.ShouldBe(0);
        stats.FailedBatches.ShouldBe(0);
        string exception = Scalar<string>(db, "SELECT exception FROM process_trace WHERE status = 'ERR'");
        if (hostile == Hostile.StackTrace)
        {
            // Message still reads: the placeholder names the type and why, then what could be read.
            exception.ShouldStartWith("<unformattable: " + typeof(HostileException).FullName + ": System.InvalidOperationException: StackTrace throws>");
        }
        else
        {
            exception.ShouldStartWith("<unformattable: " + typeof(HostileException).FullName + ": System.InvalidOperationException");
        }
    }

    [Test]
    public void A_formatter_that_throws_an_exception_whose_Message_throws_costs_only_that_value()
    {
        string db = Path.Combine(_directory, "traces.db");
        Pipeline pipeline = RecordQueue.StartWith(new MonitoringOptions { DatabasePath = db }, new SqliteSpanSink(db, "bad-records"));

        CallFormatted(new Payload(1), new ThrowingFormatter(hostileMessage: true));
        CallFormatted(new Payload(2), new ThrowingFormatter(hostileMessage: false));
        CallFormatted(new Payload(3), new PayloadFormatter());

        pipeline.FlushAsync(TimeSpan.FromSeconds(30)).GetAwaiter().GetResult().ShouldBeTrue();
        pipeline.Stats.Written.ShouldBe(3);
        string[] values = Values(db);
        values.ShouldBe(ignoreOrder: true, expected: new[]
        {
            "<unformattable: " + typeof(Payload).FullName + ": " + typeof(HostileException).FullName + ">",
            "<error: formatter failed>",
            "P3",
        });
    }

    [Test]
    public void A_formatter_text_is_held_to_the_sites_MaxLength_like_any_string()
    {
        string db = Path.Combine(_directory, "traces.db");
        Pipeline pipeline = RecordQueue.StartWith(new MonitoringOptions { DatabasePath = db }, new SqliteSpanSink(db, "bad-records"));

        CallFormatted(new Payload(5000), new PayloadFormatter());

        pipeline.FlushAsync(TimeSpan.FromSeconds(30)).GetAwaiter().GetResult().ShouldBeTrue();
        Values(db).Single().ShouldBe(new string('x', 1000) + "…");
    }

    [Test]
    public void A_record_whose_formatter_fails_on_the_spooler_is_spilled_with_its_placeholder_and_replayed()
    {
        using TracingScope tracing = TracingScope.Start(o =>
        {
            o.QueueCapacity = 2;
            o.OverflowCapacity = 0;
        });
        // Hold the writer inside its first write, so what follows overflows to the spooler instead of reaching it.
        tracing.Sink.Gate.Reset();
        SpanFactory.CallAdd(0, 0);
        SpinWait.SpinUntil(() => tracing.Sink.HeldAtGate, TimeSpan.FromSeconds(10)).ShouldBeTrue();
        for (int i = 0; i < 50; i++)
        {
            CallFormatted(new Payload(i), new ThrowingFormatter(hostileMessage: true));
        }

        Pipeline pipeline = tracing.Pipeline;
        SpinWait.SpinUntil(() => pipeline.Stats.Spilled >= 40, TimeSpan.FromSeconds(30)).ShouldBeTrue("the spooler moves every overflowed record to disk");
        tracing.Sink.Gate.Set();
        var spans = tracing.Flush();

        spans.Count.ShouldBe(51);
        MonitoringStats stats = pipeline.Stats;
        stats.Dropped.ShouldBe(0);
        stats.Replayed.ShouldBe(stats.Spilled);
        spans.Where(s => s.Process == s_formatted.Process).ShouldAllBe(s => s.Inputs["value"]!.StartsWith("<unformattable: ", StringComparison.Ordinal));
    }

    public enum Hostile
    {
        ToString,
        StackTrace,
        Message,
        Everything,
    }

    private static void CallFormatted(Payload payload, IValueFormatter<Payload> formatter)
    {
        SyncSpan.Start(s_formatted, out var span);
        span.SetArgument(0, CapturedValue.FromFormatter(payload, formatter));
        span.Exit();
        span.Complete();
    }

    private static void Swallow(Action action)
    {
        try
        {
            action();
        }
        catch (HostileException)
        {
        }
    }

    private static T Scalar<T>(string db, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={db};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        return (T)command.ExecuteScalar()!;
    }

    private static string[] Values(string db)
    {
        using var connection = new SqliteConnection($"Data Source={db};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "SELECT data_value FROM data_trace ORDER BY ts, span_id";
        var values = new List<string>();
        using SqliteDataReader reader = command.ExecuteReader();
        while (reader.Read())
        {
            values.Add(reader.GetString(0));
        }

        return values.ToArray();
    }

    public sealed record Payload(int Size);

    private sealed class PayloadFormatter : IValueFormatter<Payload>
    {
        public string? Format(Payload value) => value.Size < 100 ? "P" + value.Size : new string('x', value.Size);
    }

    private sealed class ThrowingFormatter(bool hostileMessage) : IValueFormatter<Payload>
    {
        public string? Format(Payload value) =>
            throw (hostileMessage ? new HostileException(Hostile.Everything) : new InvalidOperationException("formatter failed"));
    }

    /// <summary>An exception a careless (or hostile) library could throw: reading its text throws.</summary>
    private sealed class HostileException(Hostile hostile) : Exception("hostile")
    {
        public override string Message => hostile is Hostile.Message or Hostile.Everything
            ? throw new InvalidOperationException("Message throws")
            : base.Message;

        public override string? StackTrace => hostile is Hostile.StackTrace or Hostile.Everything
            ? throw new InvalidOperationException("StackTrace throws")
            : base.StackTrace;

        public override string ToString() => hostile is Hostile.ToString or Hostile.Everything
            ? throw new InvalidOperationException("ToString throws")
            : base.ToString();
    }
}
