using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Instrumentor.Collector.Ingest;
using Instrumentor.Collector.Store;

namespace Instrumentor.Collector.Tests.Ingest;

/// <summary>
/// The writer with several threads on one queue (a store that takes concurrent writes, as PostgreSQL does): grouping
/// peeks at the next job and then reads one, and with two readers the one read may be another. Every job must still
/// run exactly once, whatever the interleaving.
/// </summary>
public class ConcurrentIngestWriterTests
{
    private const int Batches = 100_000;

    [Test]
    public async Task With_two_writer_threads_every_batch_and_job_runs_exactly_once()
    {
        using var store = new TwoWriterStore(maxGroupedSpans: 40);
        var writer = new IngestWriter(store, capacity: 100_000);
        var commits = new List<Task<StoreIngestResult>>();
        var others = new List<Task<int>>();
        int jobsRun = 0;
        for (int i = 0; i < Batches; i++)
        {
            // Batches of 1–25 spans (several fit a group, some do not), with a plain job now and then between them.
            commits.Add(writer.TrySubmitSpans(store.Batch(i, 1 + (i * 7 % 25)))!);
            if (i % 50 == 0)
            {
                others.Add(writer.TrySubmit(_ => Interlocked.Increment(ref jobsRun), 0)!);
            }
        }

        await Task.WhenAll(commits).WaitAsync(TimeSpan.FromSeconds(30));
        await Task.WhenAll(others).WaitAsync(TimeSpan.FromSeconds(30));
        writer.Dispose();

        store.Written.Count.ShouldBe(Batches);
        store.Written.Values.ShouldAllBe(times => times == 1);
        commits.Select(c => c.Result.Accepted).Sum().ShouldBe(store.SpansWritten);
        jobsRun.ShouldBe(others.Count);
        store.MaxConcurrentWrites.ShouldBeGreaterThanOrEqualTo(1);
        store.MaxConcurrentWrites.ShouldBeLessThanOrEqualTo(2);
        store.LargestGroupSpans.ShouldBeLessThanOrEqualTo(40);
    }

    [Test]
    public void A_store_that_does_not_say_otherwise_gets_one_writer_thread()
    {
        using var store = new CountingStore(maxGroupedSpans: 0);
        ((ITraceStore)store).WriterThreads.ShouldBe(1);
        var writer = new IngestWriter(store, capacity: 1_000);
        Task<StoreIngestResult>[] commits = Enumerable.Range(0, 200).Select(i => writer.TrySubmitSpans(store.Batch(i, 3))!).ToArray();
        Task.WhenAll(commits).Wait(TimeSpan.FromSeconds(60)).ShouldBeTrue();
        writer.Dispose();

        store.MaxConcurrentWrites.ShouldBe(1);
        store.Written.Count.ShouldBe(200);
    }

    /// <summary>
    /// Counts which batches it was asked to write (by batch id), and how many writes overlapped; it keeps the
    /// interface's default writer count.
    /// </summary>
    private class CountingStore(int maxGroupedSpans) : ITraceStore
    {
        private int _inside;
        private int _spansWritten;

        public ConcurrentDictionary<string, int> Written { get; } = new();

        public int SpansWritten => Volatile.Read(ref _spansWritten);

        public int MaxConcurrentWrites { get; private set; }

        public int LargestGroupSpans { get; private set; }

        public int MaxGroupedSpans => maxGroupedSpans;

        public string Location => "counting";

        public SpanBatch Batch(int number, int spans) =>
            new(Enumerable.Range(0, spans).Select(_ => new SpooledSpan { Process = "P" }).ToList(), "svc", null, "batch-" + number);

        public StoreIngestResult WriteSpans(SpanBatch batch) => WriteSpanGroup([batch])[0];

        public IReadOnlyList<StoreIngestResult> WriteSpanGroup(IReadOnlyList<SpanBatch> batches)
        {
            int inside = Interlocked.Increment(ref _inside);
            lock (Written)
            {
                MaxConcurrentWrites = Math.Max(MaxConcurrentWrites, inside);
                LargestGroupSpans = Math.Max(LargestGroupSpans, batches.Sum(b => b.Spans.Count));
            }

            // No wait: both threads spend most of their time taking jobs off the queue, where they race.
            var results = new StoreIngestResult[batches.Count];
            for (int i = 0; i < batches.Count; i++)
            {
                Written.AddOrUpdate(batches[i].BatchId!, 1, (_, n) => n + 1);
                Interlocked.Add(ref _spansWritten, batches[i].Spans.Count);
                results[i] = new StoreIngestResult(batches[i].Spans.Count, 0);
            }

            Interlocked.Decrement(ref _inside);
            return results;
        }

        public StoreIngestResult WriteLogs(IReadOnlyList<LogEntry> logs, string? batchId) => throw new NotSupportedException();

        public int PurgeOlderThan(long cutoffUnixMicroseconds, int limit) => 0;

        public int PurgeOldest(int limit) => 0;

        public int PurgeArchived(long? cutoffUnixMicroseconds, long throughSpanId, int limit) => 0;

        public long? OldestSpanId() => null;

        public void ReleaseFreePages(int maxPages)
        {
        }

        public long SizeBytes() => 0;

        public long UsedBytes() => 0;

        public long SpanCount() => SpansWritten;

        public ITraceQueries Queries => throw new NotSupportedException();

        public ILogQueries LogQueries => throw new NotSupportedException();

        public void Dispose()
        {
        }
    }

    /// <summary>The same store, taking two writer threads (as the PostgreSQL store does).</summary>
    private sealed class TwoWriterStore(int maxGroupedSpans) : CountingStore(maxGroupedSpans), ITraceStore
    {
        int ITraceStore.WriterThreads => 2;
    }
}
