using System;
using System.Diagnostics;
using System.Threading.Tasks;
using Instrumentor.Collector.Store;

namespace Instrumentor.Collector.Ingest;

/// <summary>One unit of work for the store's writer: it commits whole or fails whole, and its task says which.</summary>
internal sealed class WriteJob<T> : IWriteJob
{
    private readonly Func<ITraceStore, T> _work;
    private readonly TaskCompletionSource<T> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public WriteJob(Func<ITraceStore, T> work, int spanCount)
    {
        _work = work;
        SpanCount = spanCount;
    }

    /// <summary>Completes after the commit (or with the store's exception).</summary>
    public Task<T> Completion => _done.Task;

    /// <inheritdoc />
    public long EnqueuedTimestamp { get; } = Stopwatch.GetTimestamp();

    /// <inheritdoc />
    public int SpanCount { get; }

    /// <inheritdoc />
    public void Execute(ITraceStore store)
    {
        T result;
        try
        {
            result = _work(store);
        }
        catch (Exception e)
        {
            _done.TrySetException(e);
            return;
        }

        _done.TrySetResult(result);
    }

    /// <inheritdoc />
    public void Cancel(Exception reason) => _done.TrySetException(reason);
}
