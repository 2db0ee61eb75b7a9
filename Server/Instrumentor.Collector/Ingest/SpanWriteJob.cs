using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading.Tasks;
using Instrumentor.Collector.Store;

namespace Instrumentor.Collector.Ingest;

/// <summary>
/// A batch of spans for the store's writer. Unlike a <see cref="WriteJob{T}"/> the writer can see its batch, so a store
/// that commits several batches in one transaction (<see cref="ITraceStore.MaxGroupedSpans"/>) gets the batches queued
/// together in one <see cref="ITraceStore.WriteSpanGroup"/>; each request still hears 2xx only after that commit.
/// </summary>
internal sealed class SpanWriteJob : IWriteJob
{
    private readonly TaskCompletionSource<StoreIngestResult> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public SpanWriteJob(SpanBatch batch) => Batch = batch;

    public SpanBatch Batch { get; }

    /// <summary>Completes after the commit (or with the store's exception).</summary>
    public Task<StoreIngestResult> Completion => _done.Task;

    /// <inheritdoc />
    public long EnqueuedTimestamp { get; } = Stopwatch.GetTimestamp();

    /// <inheritdoc />
    public int SpanCount => Batch.Spans.Count;

    /// <inheritdoc />
    public void Execute(ITraceStore store)
    {
        try
        {
            _done.TrySetResult(store.WriteSpans(Batch));
        }
        catch (Exception e)
        {
            _done.TrySetException(e);
        }
    }

    /// <summary>Commits <paramref name="jobs"/> in one transaction of <paramref name="store"/>; all succeed or all fail.</summary>
    public static void ExecuteGroup(ITraceStore store, List<SpanWriteJob> jobs)
    {
        IReadOnlyList<StoreIngestResult> results;
        try
        {
            var batches = new List<SpanBatch>(jobs.Count);
            foreach (SpanWriteJob job in jobs)
            {
                batches.Add(job.Batch);
            }

            results = store.WriteSpanGroup(batches);
        }
        catch (Exception e)
        {
            foreach (SpanWriteJob job in jobs)
            {
                job._done.TrySetException(e);
            }

            return;
        }

        for (int i = 0; i < jobs.Count; i++)
        {
            jobs[i]._done.TrySetResult(results[i]);
        }
    }

    /// <inheritdoc />
    public void Cancel(Exception reason) => _done.TrySetException(reason);
}
