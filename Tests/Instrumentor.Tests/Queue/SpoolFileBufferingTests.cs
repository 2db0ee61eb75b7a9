using System.Collections.Generic;
using System.Linq;
using Instrumentor.Testing;

namespace Instrumentor.Tests.Queue;

/// <summary>
/// The spool gathers appended records in memory and writes them together: at the spooler's flush, once
/// <see cref="SpoolFile.FlushBytes"/> gathered, at once for an error record, and when it is closed. Readers (the
/// writer's replay) see only what reached the file, and a reset never drops what is still gathered.
/// </summary>
public class SpoolFileBufferingTests
{
    private TempDirectory _directory = null!;
    private string _path = "";

    [SetUp]
    public void SetUp()
    {
        _directory = new TempDirectory("spoolbuffer");
        _path = _directory.Combine("traces.db.spool");
    }

    [TearDown]
    public void TearDown() => _directory.Dispose();

    [Test]
    public void Appended_records_are_read_only_after_the_flush_and_then_all_in_order()
    {
        using SpoolFile spool = SpoolFile.Open(_path);
        for (int i = 0; i < 10; i++)
        {
            spool.Append(Span(i));
        }

        spool.PendingRecords.ShouldBe(10);
        spool.HasDataAfter(SpoolFile.HeaderSize).ShouldBeFalse();
        Read(spool).ShouldBeEmpty();

        spool.Flush();

        spool.PendingRecords.ShouldBe(0);
        spool.ReadableLength.ShouldBe(spool.Length);
        Read(spool).ShouldBe(Enumerable.Range(0, 10).Select(Name));
    }

    [Test]
    public void Records_reach_the_file_without_a_flush_once_enough_gathered()
    {
        using SpoolFile spool = SpoolFile.Open(_path);
        int appended = 0;
        while (spool.ReadableLength == SpoolFile.HeaderSize)
        {
            spool.Append(Span(appended++));
            appended.ShouldBeLessThan(100_000);
        }

        // Written in one piece before the append that would have passed the threshold; that one waits.
        (spool.Length - SpoolFile.HeaderSize).ShouldBeGreaterThan(SpoolFile.FlushBytes);
        (spool.ReadableLength - SpoolFile.HeaderSize).ShouldBeLessThanOrEqualTo(SpoolFile.FlushBytes);
        spool.PendingRecords.ShouldBe(1);
        Read(spool).ShouldBe(Enumerable.Range(0, appended - 1).Select(Name));
    }

    [Test]
    public void An_error_record_reaches_the_file_at_once_with_those_before_it()
    {
        using SpoolFile spool = SpoolFile.Open(_path);
        spool.Append(Span(1));
        spool.Append(Span(2), now: true);

        spool.PendingRecords.ShouldBe(0);
        Read(spool).ShouldBe([Name(1), Name(2)]);
    }

    [Test]
    public void Closing_the_spool_writes_what_it_gathered()
    {
        using (SpoolFile spool = SpoolFile.Open(_path))
        {
            spool.Append(Span(7));
            spool.Append(Span(8));
        }

        using SpoolFile again = SpoolFile.Open(_path);
        Read(again).ShouldBe([Name(7), Name(8)]);
    }

    [Test]
    public void A_reset_waits_while_records_are_gathered()
    {
        using SpoolFile spool = SpoolFile.Open(_path);
        long end = spool.Append(Span(1));

        spool.TryReset(end).ShouldBeFalse("the record is not in the file yet, so nobody replayed it");
        spool.Flush();
        Read(spool).ShouldBe([Name(1)]);
        spool.TryReset(end).ShouldBeTrue();
        Read(spool).ShouldBeEmpty();
    }

    [Test]
    public void Discarded_records_leave_the_length_where_the_file_ends()
    {
        using SpoolFile spool = SpoolFile.Open(_path);
        spool.Append(Span(1));
        spool.Flush();
        long inFile = spool.Length;
        spool.Append(Span(2));

        spool.DiscardPending();

        spool.Length.ShouldBe(inFile);
        spool.PendingRecords.ShouldBe(0);
        spool.Append(Span(3));
        spool.Flush();
        Read(spool).ShouldBe([Name(1), Name(3)]);
    }

    private static string Name(int id) => "Spool.Buffer " + id;

    private static SpooledSpan Span(int id) => new()
    {
        StartUnixMicroseconds = 1_700_000_000_000_000 + id,
        SpanId = (ulong)id + 1,
        Process = Name(id),
        DurationNanoseconds = 1,
    };

    private static List<string> Read(SpoolFile spool)
    {
        var read = new List<SpooledSpan>();
        spool.Read(0, 100_000, read, out long corruptAt);
        corruptAt.ShouldBe(-1);
        return read.Select(s => s.Process).ToList();
    }
}
