using System.Threading;
using System.Threading.Tasks;

namespace Instrumentor;

/// <summary>
/// A marker sent down every queue path by a flush. Each queue is FIFO, so once the writer has committed the
/// batch in which it met the marker of every path, everything enqueued before the flush is durable.
/// </summary>
internal sealed class FlushBarrier
{
    private readonly TaskCompletionSource<bool> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _pendingPaths;

    internal FlushBarrier(int paths) => _pendingPaths = paths;

    /// <summary>Completes with <see langword="true"/> once every path has been passed.</summary>
    internal Task<bool> Completion => _done.Task;

    /// <summary>Called by the writer after committing the batch in which it met this marker.</summary>
    internal void PathPassed()
    {
        if (Interlocked.Decrement(ref _pendingPaths) == 0)
        {
            _done.TrySetResult(true);
        }
    }

    /// <summary>Ends the barrier without success (the pipeline stopped before reaching it).</summary>
    internal void Abandon() => _done.TrySetResult(false);
}
