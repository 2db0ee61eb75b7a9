using System;
using System.Threading;
using System.Threading.Tasks;
using Instrumentor.Collector.Ingest;
using Instrumentor.Collector.Store;

namespace Instrumentor.Collector.Retention;

/// <summary>
/// Keeps the store within its age (<c>--retention</c>) and size (<c>--max-size</c>) limits (DESIGN.md §9): the oldest
/// spans go first, <see cref="BatchSize"/> at a time, each batch its own job on the store's writer, so ingest requests
/// interleave and never wait behind a long delete. Freed pages are given back so the file shrinks. When the limit
/// cannot be reached (nothing left to delete) it stops rather than spin, and ingest goes on.
/// </summary>
internal sealed class RetentionService : IDisposable
{
    internal const int BatchSize = 1_000;
    private const int PagesPerRelease = 4_096;

    private readonly IngestWriter _writer;
    private readonly TimeSpan _retention;
    private readonly long? _maxSizeBytes;
    private readonly TimeSpan _interval;
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;

    public RetentionService(IngestWriter writer, TimeSpan retention, long? maxSizeBytes, TimeSpan interval)
    {
        _writer = writer;
        _retention = retention;
        _maxSizeBytes = maxSizeBytes;
        _interval = interval;
    }

    /// <summary>Runs retention now and then every interval until disposed.</summary>
    public void Start()
    {
        if (_retention > TimeSpan.Zero || _maxSizeBytes is not null)
        {
            _loop = Task.Run(LoopAsync);
        }
    }

    /// <summary>One full pass: by age, then by size. Returns how many spans it deleted.</summary>
    public async Task<long> RunOnceAsync(CancellationToken cancellationToken)
    {
        long deleted = 0;
        if (_retention > TimeSpan.Zero)
        {
            long cutoff = StoreText.ToUnixMicroseconds(DateTimeOffset.UtcNow - _retention);
            int n;
            do
            {
                n = await _writer.RunAsync(store => store.PurgeOlderThan(cutoff, BatchSize), cancellationToken).ConfigureAwait(false);
                deleted += n;
            }
            while (n == BatchSize);
        }

        if (_maxSizeBytes is { } max)
        {
            while (true)
            {
                int n = await _writer.RunAsync(store => PurgeForSize(store, max), cancellationToken).ConfigureAwait(false);
                if (n <= 0)
                {
                    break;
                }

                deleted += n;
            }
        }

        if (deleted > 0)
        {
            await _writer.RunAsync(store =>
            {
                store.ReleaseFreePages(PagesPerRelease);
                return 0;
            }, cancellationToken).ConfigureAwait(false);
        }

        return deleted;
    }

    /// <summary>
    /// Deletes about the share of the oldest spans by which the store is over <paramref name="max"/> (at least one, at
    /// most <see cref="BatchSize"/>), so a small limit keeps the newest spans instead of emptying the store in one batch.
    /// </summary>
    private static int PurgeForSize(ITraceStore store, long max)
    {
        long used = store.UsedBytes();
        if (used <= max)
        {
            return -1;
        }

        long spans = store.SpanCount();
        int share = (int)Math.Clamp((long)Math.Ceiling(spans * (double)(used - max) / used), 1, BatchSize);
        return store.PurgeOldest(share);
    }

    public void Dispose()
    {
        _stop.Cancel();
        try
        {
            _loop?.GetAwaiter().GetResult();
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }

    private async Task LoopAsync()
    {
        CancellationToken token = _stop.Token;
        while (!token.IsCancellationRequested)
        {
            try
            {
                await RunOnceAsync(token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is Microsoft.Data.Sqlite.SqliteException or System.IO.IOException or InvalidOperationException)
            {
                // A busy or full store: try again next round; ingest is not affected.
                Console.Error.WriteLine($"instrumentor: retention failed this round: {e.Message}");
            }

            try
            {
                await Task.Delay(_interval, token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
