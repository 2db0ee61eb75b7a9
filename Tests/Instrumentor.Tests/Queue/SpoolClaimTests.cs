using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace Instrumentor.Tests.Queue;

/// <summary>
/// Processes that share a database (test processes writing one <c>traces.db</c>) never share its spool. Each
/// <see cref="SpoolFile"/> here opens its own file handle and lock, as a second process would.
/// </summary>
public class SpoolClaimTests
{
    private string _directory = "";
    private string _spool = "";

    [SetUp]
    public void SetUp()
    {
        _directory = Path.Combine(Path.GetTempPath(), "instrumentor-claim-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
        _spool = Path.Combine(_directory, "traces.db.spool");
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_directory, recursive: true);

    [Test]
    public void Two_owners_of_one_spool_path_write_to_different_files_and_keep_every_record()
    {
        using SpoolFile first = SpoolFile.Open(_spool);
        using SpoolFile second = SpoolFile.Open(_spool);

        for (int i = 0; i < 50; i++)
        {
            first.Append(Span("first", i));
            second.Append(Span("second", i));
        }

        second.Path.ShouldNotBe(first.Path);
        first.Path.ShouldBe(_spool, "the first owner keeps the configured path");
        ReadAll(first).ShouldBe(Enumerable.Range(0, 50).Select(i => "first " + i));
        ReadAll(second).ShouldBe(Enumerable.Range(0, 50).Select(i => "second " + i));
    }

    [Test]
    public void A_reset_by_one_owner_leaves_the_other_owners_records_alone()
    {
        using SpoolFile first = SpoolFile.Open(_spool);
        using SpoolFile second = SpoolFile.Open(_spool);
        second.Append(Span("second", 1));
        long end = first.Append(Span("first", 1));
        first.Flush(); // the spooler's, before any replay could reach the end
        second.Flush();

        first.TryReset(end).ShouldBeTrue();

        ReadAll(second).ShouldBe(new[] { "second 1" });
    }

    [Test]
    public void A_released_slot_is_taken_again_with_its_leftover_records()
    {
        string secondPath;
        using (SpoolFile first = SpoolFile.Open(_spool))
        {
            using SpoolFile second = SpoolFile.Open(_spool);
            secondPath = second.Path;
            second.Append(Span("left over", 7));
        }

        using SpoolFile again = SpoolFile.Open(_spool);
        using SpoolFile next = SpoolFile.Open(_spool);

        again.Path.ShouldBe(_spool);
        next.Path.ShouldBe(secondPath);
        ReadAll(next).ShouldBe(new[] { "left over 7" });
    }

    [Test]
    public void With_every_slot_taken_opening_fails_with_a_clear_error()
    {
        var owners = new List<SpoolFile>();
        try
        {
            for (int i = 0; i < SpoolClaim.MaxSlots; i++)
            {
                owners.Add(SpoolFile.Open(_spool));
            }

            owners.Select(o => o.Path).Distinct().Count().ShouldBe(SpoolClaim.MaxSlots);
            Should.Throw<IOException>(() => SpoolFile.Open(_spool)).Message.ShouldContain("spool slots");
        }
        finally
        {
            owners.ForEach(o => o.Dispose());
        }
    }

    private static SpooledSpan Span(string process, int id) => new()
    {
        StartUnixMicroseconds = 1_700_000_000_000_000 + id,
        SpanId = (ulong)id + 1,
        Process = process + " " + id,
        DurationNanoseconds = 1,
    };

    private static List<string> ReadAll(SpoolFile spool)
    {
        // What the spooler does after its moves: appended records reach the file (SpoolFileBufferingTests).
        spool.Flush();
        var read = new List<SpooledSpan>();
        spool.Read(0, 10_000, read, out long corruptAt);
        corruptAt.ShouldBe(-1);
        return read.Select(s => s.Process).ToList();
    }
}
