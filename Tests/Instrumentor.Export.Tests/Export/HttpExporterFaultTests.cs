using System;
using System.Linq;
using System.Threading.Tasks;
using Instrumentor.Export.Tests.Infrastructure;
using Instrumentor.Testing;

namespace Instrumentor.Export.Tests.Export;

/// <summary>The network faults of a real collector's road: connections reset by the peer, answers slower than the timeout.</summary>
public sealed class HttpExporterFaultTests
{
    private TempDirectory _directory = null!;

    [SetUp]
    public void SetUp() => _directory = new TempDirectory("export-faults");

    [TearDown]
    public void TearDown() => _directory.Dispose();

    [Test]
    public async Task A_connection_reset_is_retried_with_the_same_batch_id_and_the_spans_are_acknowledged_once()
    {
        var store = new AppStore(_directory.Combine("app.db"));
        using var server = new ResettingServer(resets: 2);
        store.Add(10);
        using HttpExporter exporter = Exporters.Start(store, server.BaseAddress);

        (await exporter.FlushAsync().WaitAsync(TimeSpan.FromSeconds(60))).ShouldBeTrue();

        server.ResetCount.ShouldBe(2);
        FakeRequest[] requests = server.Requests.ToArray();
        requests.Length.ShouldBe(3, "two reset attempts, then the one answered");
        requests.Select(r => r.BatchId).Distinct().Count().ShouldBe(1);
        requests.ShouldAllBe(r => r.SpanIds().Length == 10);
        exporter.Counters.Retried.ShouldBe(2);
        exporter.Counters.Failed.ShouldBe(0);
        exporter.Counters.Sent.ShouldBe(10);
        store.Cursor("test").ShouldBe(10);
        exporter.Stop(TimeSpan.FromSeconds(3)).ShouldBeTrue();
    }

    [Test]
    public async Task A_10_second_answer_is_cut_by_the_5_second_timeout_and_retried_with_the_same_batch_id()
    {
        var store = new AppStore(_directory.Combine("app.db"));
        using var server = new FakeServer((_, n) => n == 0 ? new FakeAnswer(200, Delay: TimeSpan.FromSeconds(10)) : FakeAnswer.Ok);
        store.Add(10);
        // The default per-attempt timeout (5 s): the first answer would come after 10 s.
        using HttpExporter exporter = Exporters.Start(store, server.BaseAddress, o => o.Timeout = HttpExporterOptions.DefaultTimeout);

        (await exporter.FlushAsync().WaitAsync(TimeSpan.FromSeconds(60))).ShouldBeTrue();

        FakeRequest[] requests = server.Requests.ToArray();
        requests.Length.ShouldBe(2, "without the timeout the first attempt would have succeeded after 10 s, alone");
        requests.Select(r => r.BatchId).Distinct().Count().ShouldBe(1, "the retry of a timed-out batch is the same batch");
        exporter.Counters.Retried.ShouldBe(1);
        exporter.Counters.Sent.ShouldBe(10);
        exporter.Stop(TimeSpan.FromSeconds(3)).ShouldBeTrue();
    }
}
