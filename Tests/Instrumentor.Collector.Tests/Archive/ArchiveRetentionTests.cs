using Instrumentor.Testing;
using System;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Security.Cryptography;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Instrumentor.Collector.Archive;
using Instrumentor.Collector.Hosting;
using Instrumentor.Collector.Tests.Infrastructure;

namespace Instrumentor.Collector.Tests.Archive;

public class ArchiveRetentionTests
{
    [Test]
    public async Task The_purge_deletes_only_what_an_archive_holds()
    {
        using var into = new TempDirectory("archives");
        await using RunningCollector collector = await RunningCollector.StartAsync(o => o with
        {
            Retention = TimeSpan.FromHours(1),
            RetentionInterval = TimeSpan.FromDays(1),
            Archive = new ArchivePolicy(into.Path, TimeSpan.FromDays(1), Keep: 2),
        });
        // serve archives at start when none is on disk (the period counts from the newest archive).
        while (collector.Server.Retention.LastArchive is null)
        {
            await Task.Delay(20);
        }

        collector.Server.Retention.LastArchive.Spans.ShouldBe(0);
        DateTime now = DateTime.UtcNow;
        using (HttpResponseMessage old = await collector.PostJsonAsync("/v1/uploads", Events.Batch(Enumerable.Range(0, 1_500).Select(i => Events.Event(start: now.AddHours(-3).AddMilliseconds(i))))))
        using (HttpResponseMessage fresh = await collector.PostJsonAsync("/v1/uploads", Events.Batch([Events.Event(start: now.AddMinutes(-1))])))
        {
            ((int)old.StatusCode).ShouldBe(200);
        }

        // Old enough to go, but no archive holds them yet: they stay.
        (await collector.Server.Retention.RunOnceAsync(CancellationToken.None)).ShouldBe(0);
        collector.CountSpans().ShouldBe(1_501);

        ArchiveResult archived = await collector.Server.Retention.ArchiveNowAsync(CancellationToken.None);
        StoreArchiverTests.Count(archived.Path, "SELECT count(*) FROM process_trace").ShouldBe(1_501);
        (await collector.Server.Retention.RunOnceAsync(CancellationToken.None)).ShouldBe(1_500);
        collector.CountSpans().ShouldBe(1);

        // A late span with an old timestamp arrives after the archive: no archive holds it, so it stays until one does.
        using (HttpResponseMessage late = await collector.PostJsonAsync("/v1/uploads", Events.Batch([Events.Event(start: now.AddHours(-2))])))
        {
            ((int)late.StatusCode).ShouldBe(200);
        }

        (await collector.Server.Retention.RunOnceAsync(CancellationToken.None)).ShouldBe(0);
        collector.CountSpans().ShouldBe(2);

        await collector.Server.Retention.ArchiveNowAsync(CancellationToken.None);
        (await collector.Server.Retention.RunOnceAsync(CancellationToken.None)).ShouldBe(1);
        collector.CountSpans().ShouldBe(1);

        JsonElement status = await collector.GetJsonAsync("/api/status");
        JsonElement retention = status.GetProperty("retention");
        retention.GetProperty("max_age_seconds").GetDouble().ShouldBe(3600);
        retention.GetProperty("purged_total").GetInt64().ShouldBe(1_501);
        retention.GetProperty("purged_unarchived").GetInt64().ShouldBe(0);
        JsonElement archives = retention.GetProperty("archive");
        archives.GetProperty("count").GetInt32().ShouldBe(2);
        archives.GetProperty("keep").GetInt32().ShouldBe(2);
        archives.GetProperty("last_file").GetString().ShouldBe(collector.Server.Retention.LastArchive!.Path);
        archives.GetProperty("last_error").ValueKind.ShouldBe(JsonValueKind.Null);
        status.GetProperty("read_only").GetBoolean().ShouldBeFalse();

        // --archive-keep 2: three archives were written, the oldest two dropped; the one holding the purged spans stays.
        File.Exists(archived.Path).ShouldBeTrue();
        StoreArchiver.List(collector.DatabasePath, into.Path).ShouldBe([archived.Path, collector.Server.Retention.LastArchive!.Path]);
    }

    [Test]
    public async Task A_size_limit_purges_even_when_the_archive_cannot_be_written_and_says_so()
    {
        using var blocked = new TempDirectory("blocked");
        // A file where the archive directory should be: every archive fails, as on a full or read-only disk.
        string notADirectory = blocked.Combine("file");
        File.WriteAllText(notADirectory, "x");
        const long maxSize = 256 * 1024;
        await using RunningCollector collector = await RunningCollector.StartAsync(o => o with
        {
            MaxSizeBytes = maxSize,
            RetentionInterval = TimeSpan.FromDays(1),
            Archive = new ArchivePolicy(notADirectory, TimeSpan.FromDays(1), Keep: null),
        });
        // The background pass at start must be over first: on a slow machine it could otherwise run after the
        // uploads and purge them itself, leaving nothing for the pass this test runs (seen in CI).
        while (collector.Server.Retention.Status().LastRun is null)
        {
            await Task.Delay(20);
        }

        for (int i = 0; i < 6; i++)
        {
            using HttpResponseMessage response = await collector.PostJsonAsync("/v1/uploads", Events.Batch(500));
            ((int)response.StatusCode).ShouldBe(200);
        }

        long deleted = await collector.Server.Retention.RunOnceAsync(CancellationToken.None);

        deleted.ShouldBeGreaterThan(0);
        collector.Server.Store.SizeBytes().ShouldBeLessThanOrEqualTo(maxSize + 64 * 1024);
        using (HttpResponseMessage after = await collector.PostJsonAsync("/v1/uploads", Events.Batch(10)))
        {
            ((int)after.StatusCode).ShouldBe(200, "ingest goes on");
        }

        JsonElement retention = (await collector.GetJsonAsync("/api/status")).GetProperty("retention");
        retention.GetProperty("max_bytes").GetInt64().ShouldBe(maxSize);
        retention.GetProperty("purged_unarchived").GetInt64().ShouldBe(deleted);
        retention.GetProperty("last_purged").GetInt64().ShouldBe(deleted);
        retention.GetProperty("archive").GetProperty("last_error").GetString()!.ShouldContain("cannot archive");
    }

    [Test]
    public async Task Serve_on_an_archive_opens_it_read_only()
    {
        using var into = new TempDirectory("archives");
        string archive;
        await using (RunningCollector live = await RunningCollector.StartAsync())
        {
            using HttpResponseMessage posted = await live.PostJsonAsync("/v1/uploads", Events.Batch(Enumerable.Range(0, 20).Select(_ => Events.Event(status: "ERR", exception: "boom"))));
            ((int)posted.StatusCode).ShouldBe(200);
            archive = StoreArchiver.Write(live.DatabasePath, into.Path, DateTimeOffset.UtcNow).Path;
        }

        byte[] before = SHA256.HashData(File.ReadAllBytes(archive));
        await using (RunningCollector served = await RunningCollector.StartAsync(o => o with { Database = archive, Retention = TimeSpan.FromSeconds(1), RetentionInterval = TimeSpan.FromMilliseconds(50) }))
        {
            served.Server.ReadOnly.ShouldBeTrue();
            (await served.GetJsonAsync("/api/spans?limit=100")).GetProperty("items").GetArrayLength().ShouldBe(20);
            JsonElement status = await served.GetJsonAsync("/api/status");
            status.GetProperty("read_only").GetBoolean().ShouldBeTrue();
            status.GetProperty("spans_total").GetInt64().ShouldBe(20);
            using (HttpResponseMessage refused = await served.PostJsonAsync("/v1/uploads", Events.Batch(1)))
            {
                ((int)refused.StatusCode).ShouldBe(405);
                (await refused.Content.ReadAsStringAsync()).ShouldContain("read-only");
            }

            (await served.GetJsonAsync("/api/sessions")).GetProperty("items").GetArrayLength().ShouldBe(0, "sessions read from the archive");
            using (HttpResponseMessage sessions = await served.PostJsonAsync("/v1/sessions", "{\"sessions\":[]}"))
            {
                ((int)sessions.StatusCode).ShouldBe(405, "session ingest is refused too");
            }

            foreach (string otlp in (string[])["/v1/traces", "/v1/logs"])
            {
                using HttpResponseMessage refused = await served.PostJsonAsync(otlp, "{}");
                ((int)refused.StatusCode).ShouldBe(405, otlp + " (OTLP ingest) is refused too");
            }

            await Task.Delay(300);
            (await served.GetJsonAsync("/api/spans?limit=100")).GetProperty("items").GetArrayLength().ShouldBe(20, "no purge runs on an archive");
        }

        SHA256.HashData(File.ReadAllBytes(archive)).ShouldBe(before, "the archive file is not changed by serving it");
        File.Exists(archive + "-wal").ShouldBeFalse();
    }

    [Test]
    public async Task Serve_refuses_archiving_an_archive()
    {
        using var into = new TempDirectory("archives");
        string archive;
        await using (RunningCollector live = await RunningCollector.StartAsync())
        {
            archive = StoreArchiver.Write(live.DatabasePath, into.Path, DateTimeOffset.UtcNow).Path;
        }

        var options = new CollectorOptions { Database = archive, Urls = "http://127.0.0.1:0", Archive = new ArchivePolicy(into.Path, TimeSpan.FromHours(1), null) };
        (await Should.ThrowAsync<InvalidOperationException>(() => CollectorServer.StartAsync(options))).Message.ShouldContain("read-only");
    }
}
