using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;

namespace Instrumentor.Sessions.Storage;

/// <summary>
/// The background writer of a <see cref="SessionTracer"/>: callers queue rows (never blocking, never doing I/O),
/// one task drains the queue and commits what it found as one batch (one transaction), up to the batch size.
/// A failed batch stays with the writer and is tried again with backoff: nothing queued is dropped while the
/// tracer lives. Flushes and bulk inserts are markers in the same queue, so they see everything queued before.
/// </summary>
internal sealed class SessionWriter : IAsyncDisposable
{
    private readonly Channel<object> _queue = Channel.CreateUnbounded<object>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ISessionSink _sink;
    private readonly int _maxBatch;
    private readonly Task _loop;
    private long _queued;
    private long _written;
    private long _failedAttempts;
    private string? _lastError;

    internal SessionWriter(ISessionSink sink, int maxBatch)
    {
        _sink = sink;
        _maxBatch = Math.Max(1, maxBatch);
        _loop = Task.Run(RunAsync);
    }

    internal long Queued => Interlocked.Read(ref _queued);

    internal long Written => Interlocked.Read(ref _written);

    internal long FailedAttempts => Interlocked.Read(ref _failedAttempts);

    internal string? LastError => Volatile.Read(ref _lastError);

    /// <summary>Queues one row (or <see cref="SessionEnd"/>).</summary>
    internal void Enqueue(object write)
    {
        if (!_queue.Writer.TryWrite(write))
        {
            throw new ObjectDisposedException(nameof(SessionTracer), "the session tracer was disposed");
        }

        Interlocked.Increment(ref _queued);
    }

    /// <summary>Completes once everything queued before it is committed.</summary>
    internal Task FlushAsync()
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_queue.Writer.TryWrite(new Flush(done)))
        {
            return _loop;
        }

        return done.Task;
    }

    /// <summary>Commits <paramref name="batch"/> on its own, in one transaction, after everything queued before it.</summary>
    internal Task<WriteResult> WriteNowAsync(SessionBatch batch)
    {
        var done = new TaskCompletionSource<WriteResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_queue.Writer.TryWrite(new Bulk(batch, done)))
        {
            throw new ObjectDisposedException(nameof(SessionTracer), "the session tracer was disposed");
        }

        return done.Task;
    }

    private async Task RunAsync()
    {
        ChannelReader<object> reader = _queue.Reader;
        var batch = new SessionBatch();
        var flushes = new List<TaskCompletionSource>();
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            Bulk? bulk = null;
            while (batch.Count < _maxBatch && reader.TryRead(out object? item))
            {
                if (item is Flush flush)
                {
                    flushes.Add(flush.Done);
                }
                else if (item is Bulk b)
                {
                    bulk = b;
                    break;
                }
                else
                {
                    batch.Add(item);
                }
            }

            if (batch.Count > 0)
            {
                int rows = batch.Count;
                await CommitAsync(batch).ConfigureAwait(false);
                Interlocked.Add(ref _written, rows);
                batch = new SessionBatch();
            }

            if (bulk is not null)
            {
                try
                {
                    bulk.Done.TrySetResult(await CommitAsync(bulk.Batch).ConfigureAwait(false));
                }
                catch (Exception ex)
                {
                    bulk.Done.TrySetException(ex);
                }
            }

            foreach (TaskCompletionSource flush in flushes)
            {
                flush.TrySetResult();
            }

            flushes.Clear();
        }
    }

    /// <summary>Commits, retrying with backoff (capped at 5 s) until the sink accepts the batch.</summary>
    private async Task<WriteResult> CommitAsync(SessionBatch batch)
    {
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                return await _sink.WriteAsync(batch, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                Interlocked.Increment(ref _failedAttempts);
                Volatile.Write(ref _lastError, ex.GetType().Name + ": " + ex.Message);
                SessionDiagnostics.WriteFailed(ex);
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(5000, 50 << Math.Min(attempt, 7)))).ConfigureAwait(false);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
        _sink.Dispose();
    }

    private sealed record Flush(TaskCompletionSource Done);

    private sealed record Bulk(SessionBatch Batch, TaskCompletionSource<WriteResult> Done);
}
