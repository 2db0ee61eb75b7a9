using System;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Instrumentor.Collector.Store.Sqlite;
using Instrumentor.Collector.Tests.Infrastructure;

namespace Instrumentor.Collector.Tests.Ingest;

public class IngestWriterTests
{
    [Test]
    public async Task A_full_writer_queue_answers_503_with_Retry_After_and_the_queued_requests_still_commit()
    {
        GatedStore? gated = null;
        await using RunningCollector collector = await RunningCollector.StartAsync(
            // No background rollup fold: it would take the one queue slot this test counts on.
            o => o with { WriterCapacity = 1, RollupInterval = TimeSpan.Zero },
            o => gated = new GatedStore(SqliteTraceStore.Open(o.Database)));

        // One request is being written (held at the gate), one waits in the queue: the third finds it full.
        Task<HttpResponseMessage> first = collector.PostJsonAsync("/v1/uploads", Events.Batch(3));
        gated!.Entered.Wait(TimeSpan.FromSeconds(30)).ShouldBeTrue();
        Task<HttpResponseMessage> second = collector.PostJsonAsync("/v1/uploads", Events.Batch(4));
        SpinWait.SpinUntil(() => collector.Server.Writer.QueueDepth == 1, TimeSpan.FromSeconds(30)).ShouldBeTrue();

        using HttpResponseMessage third = await collector.PostJsonAsync("/v1/uploads", Events.Batch(5));

        await ProblemAssert.IsProblem(third, 503);
        third.Headers.RetryAfter!.Delta.ShouldBe(TimeSpan.FromSeconds(1));
        gated.Gate.Set();
        using HttpResponseMessage one = await first;
        using HttpResponseMessage two = await second;
        ((int)one.StatusCode).ShouldBe(200);
        ((int)two.StatusCode).ShouldBe(200);
        collector.CountSpans().ShouldBe(7);
    }
}
