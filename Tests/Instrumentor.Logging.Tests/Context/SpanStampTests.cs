using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading.Tasks;
using Instrumentor.Testing;
using Microsoft.Extensions.Logging;

namespace Instrumentor.Logging.Tests.Context;

[NonParallelizable]
public sealed class SpanStampTests
{
    private static ILogger s_log = null!;

    [Test]
    public async Task Lines_inside_nested_monitored_spans_carry_their_ids_across_await_and_Task_Run()
    {
        using TracingScope tracing = TracingScope.Start();
        var sink = new ListSink();
        s_log = new InstrumentorLogger("Nested", sink);

        await Orders.PlaceAsync(5);

        IReadOnlyList<RecordedSpan> spans = tracing.Flush();
        RecordedSpan place = spans.Single(s => s.Process.EndsWith("PlaceAsync", StringComparison.Ordinal));
        RecordedSpan reserve = spans.Single(s => s.Process.EndsWith("Reserve", StringComparison.Ordinal));
        RecordedSpan charge = spans.Single(s => s.Process.EndsWith("ChargeAsync", StringComparison.Ordinal));
        reserve.ParentSpanId.ShouldBe(place.SpanId);
        charge.ParentSpanId.ShouldBe(place.SpanId);

        LogRecord Line(string message) => sink.Records.Single(r => r.Event == message);
        foreach (LogRecord line in sink.Records)
        {
            line.TraceId.ShouldBe(place.TraceId, line.Event);
        }

        Line("placing").SpanId.ShouldBe(place.SpanId);
        Line("after await").SpanId.ShouldBe(place.SpanId);
        Line("in Task.Run").SpanId.ShouldBe(place.SpanId);
        Line("reserving").SpanId.ShouldBe(reserve.SpanId);
        Line("charging").SpanId.ShouldBe(charge.SpanId);
        Line("charged after await").SpanId.ShouldBe(charge.SpanId);
        // Async spans know their parent; a sync span's parent lives on its wrapper's stack (see docs/logging.md).
        Line("charging").ParentId.ShouldBe(place.SpanId);
        Line("placing").ParentId.ShouldBeNull();
        Line("after all").SpanId.ShouldBe(place.SpanId);
    }

    [Test]
    public void Outside_any_monitored_span_the_current_Activity_stamps_the_line()
    {
        var sink = new ListSink();
        ILogger logger = new InstrumentorLogger("Activity", sink);
        using var parent = new Activity("parent");
        parent.SetIdFormat(ActivityIdFormat.W3C);
        parent.Start();
        using var child = new Activity("child");
        child.SetIdFormat(ActivityIdFormat.W3C);
        child.Start();

        logger.LogInformation("in activity");
        child.Stop();
        parent.Stop();
        logger.LogInformation("outside");

        LogRecord inside = sink.Records[0];
        inside.TraceId.ShouldBe(child.TraceId.ToHexString());
        inside.SpanId.ShouldBe(child.SpanId.ToHexString());
        inside.ParentId.ShouldBe(parent.SpanId.ToHexString());
        sink.Records[1].TraceId.ShouldBeNull();
        sink.Records[1].SpanId.ShouldBeNull();
    }

    internal static class Orders
    {
        [Monitor]
        public static async Task PlaceAsync(int quantity)
        {
            s_log.LogInformation("placing");
            await Task.Yield();
            s_log.LogInformation("after await");
            await Task.Run(() => s_log.LogInformation("in Task.Run"));
            Reserve(quantity);
            await ChargeAsync(quantity);
            s_log.LogInformation("after all");
        }

        [Monitor]
        public static void Reserve(int quantity) => s_log.LogInformation("reserving");

        [Monitor]
        public static async Task ChargeAsync(int quantity)
        {
            s_log.LogInformation("charging");
            await Task.Delay(1);
            s_log.LogInformation("charged after await");
        }
    }

    /// <summary>A sink that keeps lines in memory, for tests of what a line carries.</summary>
    internal sealed class ListSink : ILogRecordSink
    {
        private readonly List<LogRecord> _records = [];

        public LogLevel MinLevel => LogLevel.Trace;

        public string? Service => null;

        public IExternalScopeProvider? Scopes { get; } = new LoggerExternalScopeProvider();

        public LoggingCounters Counters { get; } = new();

        public IReadOnlyList<LogRecord> Records
        {
            get
            {
                lock (_records)
                {
                    return _records.ToArray();
                }
            }
        }

        public void Add(LogRecord record)
        {
            lock (_records)
            {
                _records.Add(record);
            }
        }
    }
}
