using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;
using Instrumentor.Collector.Store;

namespace Instrumentor.Collector.Ingest;

/// <summary>
/// The writer of a store. Requests queue their batches in a bounded channel; a dedicated thread takes them in order
/// and commits each in its own transaction, so concurrent requests never meet as two SQLite writers ("database is
/// locked"), and a request hears 2xx only after its commit. A store that takes concurrent writes
/// (<see cref="ITraceStore.WriterThreads"/>, PostgreSQL) gets that many threads on the same queue. A full channel is
/// backpressure: the request is refused at once (503 with Retry-After) instead of waiting without bound. Retention
/// runs through the same queue.
/// </summary>
internal sealed class IngestWriter : IDisposable
{
    private readonly ITraceStore _store;
    private readonly Channel<IWriteJob> _jobs;
    private readonly Thread[] _threads;
    private readonly IngestRate _rate = new();
    private long _lastLagTicks;

    public IngestWriter(ITraceStore store, int capacity)
    {
        _store = store;
        int threads = Math.Max(1, store.WriterThreads);
        _jobs = Channel.CreateBounded<IWriteJob>(new BoundedChannelOptions(capacity)
        {
            SingleReader = threads == 1,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _threads = new Thread[threads];
        for (int i = 0; i < threads; i++)
        {
            _threads[i] = new Thread(Run) { IsBackground = true, Name = "Instrumentor collector writer" };
            _threads[i].Start();
        }
    }

    /// <summary>Raised on the writer thread after a commit that stored spans (the live feed listens).</summary>
    public event Action? SpansCommitted;

    /// <summary>Jobs waiting for the writer.</summary>
    public int QueueDepth => _jobs.Reader.Count;

    /// <summary>Time from queueing to commit of the last job, in milliseconds.</summary>
    public double WriteLagMs => Stopwatch.GetElapsedTime(0, Volatile.Read(ref _lastLagTicks)).TotalMilliseconds;

    /// <summary>Spans committed per second over the last seconds.</summary>
    public double IngestPerSecond => _rate.PerSecond();

    /// <summary>Queues <paramref name="work"/> if there is room; null when the writer is saturated (or stopped).</summary>
    public Task<T>? TrySubmit<T>(Func<ITraceStore, T> work, int spanCount)
    {
        var job = new WriteJob<T>(work, spanCount);
        return _jobs.Writer.TryWrite(job) ? job.Completion : null;
    }

    /// <summary>
    /// Queues a batch of spans if there is room; null when the writer is saturated (or stopped). Batches queued
    /// together may be committed in one transaction when the store can (<see cref="ITraceStore.MaxGroupedSpans"/>).
    /// </summary>
    public Task<StoreIngestResult>? TrySubmitSpans(SpanBatch batch)
    {
        var job = new SpanWriteJob(batch);
        return _jobs.Writer.TryWrite(job) ? job.Completion : null;
    }

    /// <summary>Queues <paramref name="work"/>, waiting for room (background work such as retention, never requests).</summary>
    public async Task<T> RunAsync<T>(Func<ITraceStore, T> work, CancellationToken cancellationToken)
    {
        var job = new WriteJob<T>(work, 0);
        await _jobs.Writer.WriteAsync(job, cancellationToken).ConfigureAwait(false);
        return await job.Completion.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stops taking jobs, finishes the queued ones and waits for the writer threads.</summary>
    public void Dispose()
    {
        _jobs.Writer.TryComplete();
        foreach (Thread thread in _threads)
        {
            thread.Join();
        }
    }

    private void Run()
    {
        ChannelReader<IWriteJob> reader = _jobs.Reader;
        while (reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            bool committedSpans = false;
            while (reader.TryRead(out IWriteJob? job))
            {
                IWriteJob? left = null;
                if (job is SpanWriteJob first && _store.MaxGroupedSpans is > 0 and int max && reader.TryPeek(out IWriteJob? next) && next is SpanWriteJob)
                {
                    left = ExecuteGroup(reader, first, max, out bool grouped);
                    committedSpans |= grouped;
                }
                else
                {
                    job.Execute(_store);
                    committedSpans |= Done(job, job.SpanCount);
                }

                if (left is not null)
                {
                    // Taken while grouping but not part of the group (see ExecuteGroup): it runs on its own.
                    left.Execute(_store);
                    committedSpans |= Done(left, left.SpanCount);
                }
            }

            if (committedSpans)
            {
                SpansCommitted?.Invoke();
            }
        }
    }

    /// <summary>
    /// Batches that queued up while the store was busy: one transaction, one commit for all of them. Returns a job it
    /// read that is not in the group: with several writer threads the job read may not be the one peeked (another
    /// writer can take that one in between).
    /// </summary>
    private IWriteJob? ExecuteGroup(ChannelReader<IWriteJob> reader, SpanWriteJob first, int max, out bool committedSpans)
    {
        var group = new List<SpanWriteJob> { first };
        int spanCount = first.SpanCount;
        IWriteJob? left = null;
        while (reader.TryPeek(out IWriteJob? next) && next is SpanWriteJob peeked && spanCount + peeked.SpanCount <= max
               && reader.TryRead(out IWriteJob? taken))
        {
            if (taken is SpanWriteJob more && spanCount + more.SpanCount <= max)
            {
                group.Add(more);
                spanCount += more.SpanCount;
            }
            else
            {
                left = taken;
                break;
            }
        }

        if (group.Count > 1)
        {
            SpanWriteJob.ExecuteGroup(_store, group);
        }
        else
        {
            first.Execute(_store);
        }

        committedSpans = Done(first, spanCount);
        return left;
    }

    /// <summary>Records the lag of <paramref name="job"/> and the spans committed; true when there were any.</summary>
    private bool Done(IWriteJob job, int spanCount)
    {
        Volatile.Write(ref _lastLagTicks, Stopwatch.GetTimestamp() - job.EnqueuedTimestamp);
        if (spanCount <= 0)
        {
            return false;
        }

        _rate.Add(spanCount);
        return true;
    }
}
