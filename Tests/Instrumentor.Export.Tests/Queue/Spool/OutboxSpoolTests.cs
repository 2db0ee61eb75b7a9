using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Instrumentor.Testing;

namespace Instrumentor.Export.Tests.Queue.Spool;

/// <summary>
/// The spool folder as the exporters' outbox (no SQLite store): numbered spans committed batch by batch, read after a
/// cursor, kept across a restart, a torn batch cut off, and segments deleted only once every exporter acknowledged them.
/// </summary>
public sealed class OutboxSpoolTests
{
    private static readonly SystemInfo s_system = new("orders-api", "sys-1", "inst-1");
    private TempDirectory _directory = null!;
    private ulong _nextSpanId;

    [SetUp]
    public void SetUp()
    {
        _directory = new TempDirectory("outbox-spool");
        _nextSpanId = 1;
    }

    [TearDown]
    public void TearDown() => _directory.Dispose();

    private string Folder => _directory.Combine("app.spool.outbox");

    [Test]
    public void Committed_spans_are_numbered_in_order_and_read_after_a_cursor_across_segments()
    {
        using OutboxSpool outbox = OutboxSpool.Open(Folder, ["a"], segmentBytes: 2_000);
        for (int batch = 0; batch < 10; batch++)
        {
            outbox.Append(Batch(7), checkpoint: null);
        }

        outbox.LastNumber.ShouldBe(70);
        outbox.SegmentCount.ShouldBeGreaterThan(3, "small segments roll over");
        outbox.CountAfter(0).ShouldBe(70);
        outbox.CountAfter(65).ShouldBe(5);

        List<(long Number, SpooledSpan Span)> all = ReadAll(outbox, after: 0, limit: 1000);
        all.Select(s => s.Number).ShouldBe(Enumerable.Range(1, 70).Select(n => (long)n));
        all.Select(s => s.Span.SpanId).ShouldBe(Enumerable.Range(1, 70).Select(n => (ulong)n));
        all.ShouldAllBe(s => s.Span.ScopedSystem == s_system);

        // Pages of 9 after a moving cursor (the exporter's way), with the position hint: the same spans, once each.
        var paged = new List<long>();
        var hint = default(ReadPosition);
        long cursor = 0;
        while (true)
        {
            var page = new List<(long Number, SpooledSpan Span)>();
            outbox.Read(cursor, 9, page, ref hint);
            if (page.Count == 0)
            {
                break;
            }

            page.Count.ShouldBeLessThanOrEqualTo(9);
            paged.AddRange(page.Select(p => p.Number));
            cursor = page[^1].Number;
        }

        paged.ShouldBe(Enumerable.Range(1, 70).Select(n => (long)n));
        // Reading again from an older cursor (a retried batch) gives the same spans, whatever the hint says.
        ReadAll(outbox, after: 30, limit: 5).Select(s => s.Number).ShouldBe(new long[] { 31, 32, 33, 34, 35 });
    }

    [Test]
    public void After_a_restart_the_spans_the_cursors_and_the_numbering_go_on()
    {
        using (OutboxSpool first = OutboxSpool.Open(Folder, ["a"], segmentBytes: 2_000))
        {
            first.Append(Batch(25), checkpoint: new SpoolCheckpoint("gen-1", 4_096));
            first.ReadCursor("a").ShouldBe(0);
            first.SaveCursor("a", 10);
        }

        using OutboxSpool second = OutboxSpool.Open(Folder, ["a"], segmentBytes: 2_000);
        second.LastNumber.ShouldBe(25);
        second.ReadCursor("a").ShouldBe(10);
        second.ReadCheckpoint("gen-1").ShouldBe(4_096);
        second.ReadCheckpoint("gen-2").ShouldBeNull();
        ReadAll(second, after: 10, limit: 100).Select(s => s.Number).ShouldBe(Enumerable.Range(11, 15).Select(n => (long)n));

        second.Append(Batch(3), checkpoint: null);
        ReadAll(second, after: 25, limit: 100).Select(s => (s.Number, s.Span.SpanId)).ShouldBe(new[] { (26L, 26UL), (27L, 27UL), (28L, 28UL) });
    }

    [Test]
    public void A_batch_torn_by_a_crash_is_cut_off_whole_at_the_next_open()
    {
        string segment;
        using (OutboxSpool first = OutboxSpool.Open(Folder, ["a"]))
        {
            first.Append(Batch(3), checkpoint: null);
            first.Append(Batch(4), checkpoint: null);
            segment = Directory.GetFiles(first.Directory, "*.seg").Single();
        }

        // The process died after writing the second batch's spans but before its commit frame (14 bytes) was complete.
        using (var stream = new FileStream(segment, FileMode.Open))
        {
            stream.SetLength(stream.Length - 3);
        }

        using OutboxSpool second = OutboxSpool.Open(Folder, ["a"]);
        second.LastNumber.ShouldBe(3, "a batch is in the outbox whole or not at all");
        ReadAll(second, after: 0, limit: 100).Select(s => s.Span.SpanId).ShouldBe(new ulong[] { 1, 2, 3 });
        second.Append(Batch(2), checkpoint: null);
        ReadAll(second, after: 3, limit: 100).Select(s => s.Number).ShouldBe(new long[] { 4, 5 });
    }

    [Test]
    public void A_segment_is_deleted_once_every_exporter_acknowledged_it_and_never_before()
    {
        using OutboxSpool outbox = OutboxSpool.Open(Folder, ["fast", "slow"], segmentBytes: 1_500);
        for (int i = 0; i < 12; i++)
        {
            outbox.Append(Batch(5), checkpoint: new SpoolCheckpoint("gen-1", 100 + i));
        }

        int segments = outbox.SegmentCount;
        segments.ShouldBeGreaterThan(3);
        outbox.ReadCursor("fast");
        outbox.SaveCursor("fast", 60);
        outbox.SegmentCount.ShouldBe(segments, "the slow exporter has not read its cursor: it holds everything");

        outbox.ReadCursor("slow");
        outbox.SaveCursor("slow", 20);
        int afterSlow = outbox.SegmentCount;
        afterSlow.ShouldBeLessThan(segments);
        ReadAll(outbox, after: 20, limit: 100).Select(s => s.Number).ShouldBe(Enumerable.Range(21, 40).Select(n => (long)n),
            "everything the slow exporter has not had acknowledged is still there");

        outbox.SaveCursor("slow", 60);
        outbox.SegmentCount.ShouldBe(1, "the newest segment stays (it is written to, and carries the numbering and checkpoint)");
        outbox.CountAfter(60).ShouldBe(0);
        outbox.Dispose();

        // Everything acknowledged, the process restarts: the numbering goes on after what the cursors saw, and the
        // overflow spool's replay checkpoint is still known although the segment that recorded it is gone.
        using OutboxSpool again = OutboxSpool.Open(Folder, ["fast", "slow"], segmentBytes: 1_500);
        again.LastNumber.ShouldBe(60);
        again.ReadCheckpoint("gen-1").ShouldBe(111);
        again.Append(Batch(1), checkpoint: null);
        again.ReadCursor("slow").ShouldBe(60);
        ReadAll(again, after: 60, limit: 10).Select(s => s.Number).ShouldBe(new long[] { 61 });
    }

    [Test]
    public void A_second_process_on_the_same_folder_gets_a_slot_of_its_own()
    {
        using OutboxSpool first = OutboxSpool.Open(Folder, ["a"]);
        using OutboxSpool second = OutboxSpool.Open(Folder, ["a"]);

        second.Directory.ShouldNotBe(first.Directory);
        first.Append(Batch(2), checkpoint: null);
        second.LastNumber.ShouldBe(0);
    }

    private List<(SpooledSpan Span, SystemInfo System)> Batch(int count)
    {
        var spans = new List<(SpooledSpan, SystemInfo)>(count);
        for (int i = 0; i < count; i++)
        {
            ulong id = _nextSpanId++;
            spans.Add((new SpooledSpan
            {
                StartUnixMicroseconds = 1_780_000_000_000_000 + (long)id,
                TraceHigh = 0x0190_0000_0000_0000 | id,
                TraceLow = 1,
                SpanId = id,
                Process = "Shop.Pricing.PriceOrder",
                ProcessGroup = "pricing",
                DurationNanoseconds = 1_000,
                DataUtf8 = SpanDataJson.FromValues([("quantity", false, (string?)"3")]),
            }, s_system));
        }

        return spans;
    }

    private static List<(long Number, SpooledSpan Span)> ReadAll(OutboxSpool outbox, long after, int limit)
    {
        var read = new List<(long Number, SpooledSpan Span)>();
        var hint = default(ReadPosition);
        outbox.Read(after, limit, read, ref hint);
        return read;
    }
}
