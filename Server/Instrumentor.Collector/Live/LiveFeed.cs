using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Instrumentor.Collector.Json;
using Instrumentor.Collector.Store;

namespace Instrumentor.Collector.Live;

/// <summary>
/// New spans for live listeners (<c>/api/live</c>, <c>instrumentor tail</c>). It reads the store after the last row it
/// saw, so it shows spans written by an application into the same file as well as those ingested here. It reads when
/// the writer commits (at once) and every <see cref="PollInterval"/> (other writers), and only while someone listens.
/// </summary>
internal sealed class LiveFeed : IDisposable
{
    private const int PageSize = 1_000;
    private readonly ITraceQueries _queries;
    private readonly object _gate = new();
    private readonly List<LiveSubscription> _subscriptions = [];
    private readonly SemaphoreSlim _wake = new(0, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private long _lastRowId = -1;

    public LiveFeed(ITraceQueries queries, TimeSpan pollInterval)
    {
        _queries = queries;
        PollInterval = pollInterval;
        _loop = Task.Run(RunAsync);
    }

    public TimeSpan PollInterval { get; }

    /// <summary>Starts listening: the subscription sees spans stored from now on.</summary>
    public LiveSubscription Subscribe()
    {
        var subscription = new LiveSubscription(Unsubscribe);
        lock (_gate)
        {
            if (_subscriptions.Count == 0)
            {
                _lastRowId = -1;
            }

            _subscriptions.Add(subscription);
        }

        Nudge();
        return subscription;
    }

    /// <summary>Something was committed: read now rather than at the next poll.</summary>
    public void Nudge()
    {
        try
        {
            if (_wake.CurrentCount == 0)
            {
                _wake.Release();
            }
        }
        catch (SemaphoreFullException)
        {
            // Already signalled.
        }
        catch (ObjectDisposedException)
        {
            // Stopped.
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        try
        {
            _loop.GetAwaiter().GetResult();
        }
        catch (OperationCanceledException)
        {
        }

        lock (_gate)
        {
            foreach (LiveSubscription subscription in _subscriptions.ToArray())
            {
                subscription.Dispose();
            }
        }

        _stop.Dispose();
    }

    private void Unsubscribe(LiveSubscription subscription)
    {
        lock (_gate)
        {
            _subscriptions.Remove(subscription);
        }
    }

    private async Task RunAsync()
    {
        CancellationToken token = _stop.Token;
        while (!token.IsCancellationRequested)
        {
            try
            {
                await _wake.WaitAsync(PollInterval, token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            LiveSubscription[] listeners;
            lock (_gate)
            {
                listeners = _subscriptions.ToArray();
            }

            if (listeners.Length == 0)
            {
                continue;
            }

            try
            {
                Publish(listeners);
            }
            catch (Exception e) when (e is Microsoft.Data.Sqlite.SqliteException or InvalidOperationException)
            {
                // The store is busy or being replaced: the next round reads from the same row again.
            }
        }
    }

    private void Publish(LiveSubscription[] listeners)
    {
        if (_lastRowId < 0)
        {
            _lastRowId = _queries.LastRowId();
            return;
        }

        while (true)
        {
            IReadOnlyList<SpanItem> spans = _queries.SpansAfter(_lastRowId, PageSize);
            foreach (SpanItem span in spans)
            {
                foreach (LiveSubscription listener in listeners)
                {
                    listener.Publish(span);
                }

                _lastRowId = span.RowId;
            }

            if (spans.Count < PageSize)
            {
                return;
            }
        }
    }
}
