using System;
using System.Collections.Generic;
using System.Linq;
using Instrumentor.Collector.Store;
using Instrumentor.Collector.Store.Postgres;

namespace Instrumentor.Collector.Tests.Store.Postgres;

/// <summary>
/// Batches queued together are committed in one transaction (<see cref="PostgresTraceStore.WriteSpanGroup"/>), each
/// answered as if it had been written alone: batch ids and stored spans are duplicates there too.
/// </summary>
public class PostgresSpanGroupTests
{
    private static ulong s_next = (ulong)Random.Shared.NextInt64(1, 1L << 40);

    private static SpooledSpan Span(DateTime start, string process = "Group.P") => new()
    {
        StartUnixMicroseconds = (start.Ticks - DateTime.UnixEpoch.Ticks) / 10,
        TraceHigh = ++s_next,
        TraceLow = 7,
        SpanId = ++s_next,
        Status = SpanStatus.Ok,
        DurationNanoseconds = 1_500_000,
        ThreadId = 3,
        Process = process,
    };

    private static SpanBatch Batch(IEnumerable<SpooledSpan> spans, string? batchId = null) => new(spans.ToList(), "group-api", null, batchId);

    [Test]
    public void A_group_answers_each_batch_as_alone_and_stores_every_span_once()
    {
        string connection = PostgresServer.NewDatabase("group");
        var database = new PostgresDatabase(connection);
        using PostgresTraceStore store = PostgresTraceStore.Open(connection);
        DateTime now = DateTime.UtcNow;
        SpooledSpan[] first = Enumerable.Range(0, 10).Select(i => Span(now.AddSeconds(-i))).ToArray();

        IReadOnlyList<StoreIngestResult> plain = store.WriteSpanGroup([Batch(first), Batch([Span(now)], "g-1"), Batch([Span(now)], "g-1"), Batch([Span(now.AddDays(-1))])]);

        plain.ShouldBe([new(10, 0), new(1, 0), new(0, 1), new(1, 0)], "the second batch with id g-1 is a duplicate, even in the same group");
        database.Scalar("SELECT count(*) FROM span;").ShouldBe(12);

        // A span of the group stored before (and one twice within the group): the group falls back to batch by batch.
        SpooledSpan fresh = Span(now);
        IReadOnlyList<StoreIngestResult> mixed = store.WriteSpanGroup([Batch([fresh, first[0]]), Batch([fresh, Span(now)]), Batch([Span(now)], "g-1"), Batch([Span(now)], "g-2")]);

        mixed.ShouldBe([new(1, 1), new(1, 1), new(0, 1), new(1, 0)]);
        database.Scalar("SELECT count(*) FROM span;").ShouldBe(15);
        database.Scalar("SELECT count(*) FROM (SELECT DISTINCT trace_id, span_id FROM span) d;").ShouldBe(15);
        database.Scalar("SELECT sum(spans) FROM stats_minute;").ShouldBe(15, "the minutes count what was stored, not what was sent");
        database.Scalar("SELECT count(*) FROM ingest_batch;").ShouldBe(2);
    }
}
