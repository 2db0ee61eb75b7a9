using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;

namespace Instrumentor.Logging;

/// <summary>
/// The bounded buffer between the logging threads and the outputs: any thread adds a line (a lock-free channel
/// write; when the buffer is full the thread waits for room rather than lose the line), one background worker takes
/// them in batches of <see cref="InstrumentorLoggerOptions.BatchSize"/> or whatever waited
/// <see cref="InstrumentorLoggerOptions.Interval"/>, and hands each batch to every output in turn. A failing output
/// is counted and reported, never thrown to a logging thread, and never keeps the batch from the other outputs.
/// </summary>
internal sealed class LogPipeline : IAsyncDisposable
{
    private readonly Channel<object> _channel;
    private readonly IReadOnlyList<ILogOutput> _outputs;
    private readonly int _batchSize;
    private readonly TimeSpan _interval;
    private readonly Task _worker;

    // Wakes a lingering worker early: a logging thread that found the buffer full, a flush, the shutdown.
    private readonly SemaphoreSlim _nudge = new(0, 1);
    private static readonly TimeSpan MaxLinger = TimeSpan.FromMilliseconds(5);

    private int _disposed;

    internal LogPipeline(InstrumentorLoggerOptions options, IReadOnlyList<ILogOutput> outputs, LoggingCounters counters)
    {
        _channel = Channel.CreateBounded<object>(new BoundedChannelOptions(options.BufferCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
            SingleWriter = false,
        });
        _outputs = outputs;
        _batchSize = options.BatchSize;
        _interval = options.Interval;
        Counters = counters;
        _worker = Task.Run(RunAsync);
    }

    internal LoggingCounters Counters { get; }

    internal IReadOnlyList<ILogOutput> Outputs => _outputs;

    /// <summary>Adds a line; waits for room when the buffer is full. Never throws.</summary>
    internal void Add(LogRecord record)
    {
        if (!_channel.Writer.TryWrite(record))
        {
            Interlocked.Increment(ref Counters.Waited);
            Nudge();
            try
            {
                // Back-pressure instead of loss: the caller waits until the worker made room (or shutdown).
                _channel.Writer.WriteAsync(record).AsTask().GetAwaiter().GetResult();
            }
            catch (ChannelClosedException)
            {
                Interlocked.Increment(ref Counters.Errors);
                return;
            }
        }

        Interlocked.Increment(ref Counters.Received);
    }

    /// <summary>Completes when every line added before the call has gone to the outputs (and spooled batches were retried).</summary>
    internal async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        var request = new FlushRequest();
        try
        {
            await _channel.Writer.WriteAsync(request, cancellationToken).ConfigureAwait(false);
            Nudge();
        }
        catch (ChannelClosedException)
        {
            await _worker.ConfigureAwait(false);
            return;
        }

        await request.Done.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task RunAsync()
    {
        ChannelReader<object> reader = _channel.Reader;
        var batch = new List<LogRecord>(_batchSize);
        long batchStarted = 0;
        while (true)
        {
            bool more = await WaitAsync(reader, batch.Count > 0 ? _interval : _interval * 2).ConfigureAwait(false);
            while (reader.TryRead(out object? item))
            {
                if (item is LogRecord record)
                {
                    if (batch.Count == 0)
                    {
                        batchStarted = Stopwatch.GetTimestamp();
                    }

                    batch.Add(record);
                    if (batch.Count >= _batchSize)
                    {
                        await DeliverAsync(batch).ConfigureAwait(false);
                        batch = new List<LogRecord>(_batchSize);
                    }
                }
                else if (item is FlushRequest flush)
                {
                    await DeliverAsync(batch).ConfigureAwait(false);
                    batch = new List<LogRecord>(_batchSize);
                    await TickAsync(flushing: true).ConfigureAwait(false);
                    flush.Done.TrySetResult();
                }
            }

            if (batch.Count > 0 && (!more || Stopwatch.GetElapsedTime(batchStarted) >= _interval))
            {
                await DeliverAsync(batch).ConfigureAwait(false);
                batch = new List<LogRecord>(_batchSize);
            }

            if (!more)
            {
                await TickAsync(flushing: true).ConfigureAwait(false);
                return;
            }

            await TickAsync(flushing: false).ConfigureAwait(false);
            if (batch.Count > 0)
            {
                await LingerAsync(batchStarted).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// While a batch is open, lets lines gather for a few milliseconds (never past the batch's interval) instead of
    /// waiting on the channel again: a worker waiting on the channel is woken by the next write, and that wake-up
    /// (a thread-pool hand-off) was paid on the logging thread for nearly every line. A full buffer, a flush or the
    /// shutdown end the linger at once, so back-pressure and flushing are not slowed.
    /// </summary>
    private async Task LingerAsync(long batchStarted)
    {
        TimeSpan left = _interval - Stopwatch.GetElapsedTime(batchStarted);
        TimeSpan linger = left < MaxLinger ? left : MaxLinger;
        if (linger > TimeSpan.Zero)
        {
            await _nudge.WaitAsync(linger).ConfigureAwait(false);
        }
    }

    private void Nudge()
    {
        try
        {
            if (_nudge.CurrentCount == 0)
            {
                _nudge.Release();
            }
        }
        catch (SemaphoreFullException)
        {
            // Another thread nudged first; one pending wake is enough.
        }
    }

    /// <summary>Waits until something can be read or <paramref name="timeout"/> passed; false once the channel is closed and empty.</summary>
    private static async Task<bool> WaitAsync(ChannelReader<object> reader, TimeSpan timeout)
    {
        if (reader.TryPeek(out _))
        {
            return true;
        }

        using var timer = new CancellationTokenSource(timeout);
        try
        {
            return await reader.WaitToReadAsync(timer.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return true;
        }
    }

    private async Task DeliverAsync(List<LogRecord> batch)
    {
        if (batch.Count == 0)
        {
            return;
        }

        foreach (ILogOutput output in _outputs)
        {
            try
            {
                await output.WriteAsync(batch, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                Interlocked.Increment(ref Counters.Errors);
                SelfDiagnostics.Error($"Instrumentor.Logging: the {output.GetType().Name} lost a batch of {batch.Count} line(s): {e.Message}");
            }
        }
    }

    private async Task TickAsync(bool flushing)
    {
        foreach (ILogOutput output in _outputs)
        {
            try
            {
                await output.TickAsync(flushing, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                Interlocked.Increment(ref Counters.Errors);
                SelfDiagnostics.Error($"Instrumentor.Logging: the {output.GetType().Name} failed: {e.Message}");
            }
        }
    }

    /// <summary>Stops taking lines, delivers what is buffered (waiting at most <paramref name="timeout"/>), closes the outputs.</summary>
    internal async Task ShutdownAsync(TimeSpan timeout)
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _channel.Writer.TryComplete();
        Nudge();
        try
        {
            await _worker.WaitAsync(timeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            SelfDiagnostics.Warning($"Instrumentor.Logging: shutdown took longer than {timeout.TotalSeconds:0.#} s; lines not yet sent stay in the fallback file or are lost if still buffered");
            return;
        }

        foreach (ILogOutput output in _outputs)
        {
            await output.DisposeAsync().ConfigureAwait(false);
        }
    }

    public ValueTask DisposeAsync() => new(ShutdownAsync(TimeSpan.FromSeconds(3)));
}
