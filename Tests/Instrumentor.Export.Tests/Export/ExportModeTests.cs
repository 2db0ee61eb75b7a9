using System;
using System.Linq;
using System.Threading.Tasks;
using Instrumentor.Export.Tests.Infrastructure;
using Instrumentor.Testing;

namespace Instrumentor.Export.Tests.Export;

/// <summary>
/// When each mode sends, without a flush: Instant a lone span to <c>/v1/uploads/stream</c> and a burst as one
/// <c>/v1/uploads</c> batch; Deferred once a batch is full, or once its interval passed.
/// </summary>
[NonParallelizable]
public sealed class ExportModeTests
{
    private TempDirectory _directory = null!;

    [SetUp]
    public void SetUp() => _directory = new TempDirectory("export-mode");

    [TearDown]
    public void TearDown() => _directory.Dispose();

    [Test]
    public async Task Instant_sends_a_lone_span_to_the_stream_endpoint_and_a_burst_as_one_batch()
    {
        var store = new AppStore(_directory.Combine("app.db"));
        using var server = new FakeServer((_, _) => FakeAnswer.Ok);
        using HttpExporter exporter = Exporters.Start(store, server.BaseAddress, o => o.Mode = ExportMode.Instant);

        string lone = store.Add(1)[0];
        exporter.Notify(1);
        await Until(() => server.Requests.Count == 1);
        FakeRequest first = server.Requests.Single();
        first.Path.ShouldBe("/v1/uploads/stream");
        first.SpanIds().ShouldBe([lone]);

        // Five committed together (one writer batch) wait together: they go as one batch with its id.
        string[] burst = [.. store.Add(5)];
        exporter.Notify(5);
        await Until(() => server.Requests.Count == 2);
        FakeRequest second = server.Requests.Last();
        second.Path.ShouldBe("/v1/uploads");
        second.BatchId.ShouldNotBeNullOrEmpty();
        second.SpanIds().ShouldBe(burst);
        // The fake server has the request before the exporter has its answer: Sent counts after the 2xx arrives.
        await Until(() => exporter.Counters.Sent == 6);
        exporter.Counters.Sent.ShouldBe(6);
        server.Requests.Count.ShouldBe(2);
    }

    [Test]
    public async Task Deferred_sends_as_soon_as_a_batch_is_full_without_waiting_for_its_interval()
    {
        var store = new AppStore(_directory.Combine("app.db"));
        using var server = new FakeServer((_, _) => FakeAnswer.Ok);
        using HttpExporter exporter = Exporters.Start(store, server.BaseAddress, o =>
        {
            o.BatchSize = 10;
            o.Interval = TimeSpan.FromHours(1);
        });

        store.Add(4);
        exporter.Notify(4);
        store.Add(6);
        exporter.Notify(6);
        await Until(() => server.Requests.Count == 1);

        server.Requests.Single().SpanIds().Length.ShouldBe(10);
        server.Requests.Single().Path.ShouldBe("/v1/uploads");
    }

    [Test]
    public async Task Deferred_sends_what_waits_once_its_interval_passed()
    {
        var store = new AppStore(_directory.Combine("app.db"));
        using var server = new FakeServer((_, _) => FakeAnswer.Ok);
        using HttpExporter exporter = Exporters.Start(store, server.BaseAddress, o =>
        {
            o.BatchSize = 1_000;
            o.Interval = TimeSpan.FromMilliseconds(300);
        });

        store.Add(3);
        exporter.Notify(3);
        await Until(() => server.Requests.Count == 1);

        server.Requests.Single().SpanIds().Length.ShouldBe(3, "far fewer than a batch: sent because the interval passed");
        // The fake server has the request before the exporter has its answer: the backlog empties after the 2xx arrives.
        await Until(() => exporter.Counters.Backlog == 0);
        server.Requests.Count.ShouldBe(1);
    }

    /// <summary>Waits (60 s at most: a hang check, not a timing assert) until <paramref name="condition"/> holds.</summary>
    private static async Task Until(Func<bool> condition)
    {
        for (int i = 0; i < 3_000 && !condition(); i++)
        {
            await Task.Delay(20);
        }

        condition().ShouldBeTrue();
    }
}
