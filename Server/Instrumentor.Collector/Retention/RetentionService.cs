using System;
using System.Threading;
using System.Threading.Tasks;
using Instrumentor.Collector.Archive;
using Instrumentor.Collector.Ingest;
using Instrumentor.Collector.Json;
using Instrumentor.Collector.Store;

namespace Instrumentor.Collector.Retention;

/// <summary>
/// Keeps the store within its age (<c>--retention</c>) and size (<c>--max-size</c>) limits (DESIGN.md §9): the oldest
/// spans go first, <see cref="BatchSize"/> at a time, each batch its own job on the store's writer, so ingest requests
/// interleave and never wait behind a long delete. Freed pages are given back so the file shrinks. When the limit
/// cannot be reached (nothing left to delete) it stops rather than spin, and ingest goes on.
/// With <c>--archive-dir</c> it also writes the archives (<see cref="StoreArchiver"/>, off the writer), and the purge
/// deletes only spans an archive of this run holds; a size limit that needs more forces an archive first, and when even
/// that fails (a full disk) it purges anyway, so the newest data keeps coming in, and counts what no archive holds.
/// </summary>
internal sealed class RetentionService : IDisposable
{
    internal const int BatchSize = 1_000;
    private const int PagesPerRelease = 4_096;

    private readonly IngestWriter _writer;
    private readonly TimeSpan _retention;
    private readonly long? _maxSizeBytes;
    private readonly TimeSpan _interval;
    private readonly ArchivePolicy? _archive;
    private readonly string _storePath;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _running = new(1, 1);
    private Task? _loop;
    private long _purgedTotal;
    private long _purgedUnarchived;
    private long _lastPurged;
    private string? _lastRun;
    private string? _lastError;
    private bool _overLimit;
    private ArchiveResult? _lastArchive;
    private string? _archiveError;
    private DateTimeOffset _nextArchive;

    public RetentionService(IngestWriter writer, TimeSpan retention, long? maxSizeBytes, TimeSpan interval, ArchivePolicy? archive = null, string storePath = "")
    {
        _writer = writer;
        _retention = retention;
        _maxSizeBytes = maxSizeBytes;
        _interval = interval;
        _archive = archive;
        _storePath = storePath;
        if (archive is not null)
        {
            // A restart does not archive again before the period is over: the newest archive on disk dates the next.
            string[] existing = StoreArchiver.List(storePath, archive.Directory);
            _nextArchive = existing.Length > 0 ? new System.IO.FileInfo(existing[^1]).LastWriteTimeUtc + archive.Every : DateTimeOffset.MinValue;
        }
    }

    /// <summary>The last archive written by this run (null before the first).</summary>
    public ArchiveResult? LastArchive
    {
        get
        {
            lock (_gate)
            {
                return _lastArchive;
            }
        }
    }

    /// <summary>Runs retention now and then every interval until disposed.</summary>
    public void Start()
    {
        if (_retention > TimeSpan.Zero || _maxSizeBytes is not null || _archive is not null)
        {
            _loop = Task.Run(LoopAsync);
        }
    }

    /// <summary>The limits and what the purge did, for <c>/api/status</c>.</summary>
    public RetentionStatus Status()
    {
        lock (_gate)
        {
            ArchiveStatus? archive = _archive is { } a
                ? new ArchiveStatus(System.IO.Path.GetFullPath(a.Directory), a.Every.TotalSeconds, a.Keep, _lastArchive?.Path, _lastArchive?.CreatedAt,
                    _lastArchive?.Bytes, _lastArchive?.ThroughSpanId ?? 0, StoreArchiver.List(_storePath, a.Directory).Length, _archiveError)
                : null;
            return new RetentionStatus(_retention > TimeSpan.Zero ? _retention.TotalSeconds : null, _maxSizeBytes, _interval.TotalSeconds, _overLimit,
                _lastRun, _lastPurged, _purgedTotal, _purgedUnarchived, _lastError, archive);
        }
    }

    /// <summary>Writes an archive now (off the writer: ingest goes on), then drops the oldest beyond the keep count.</summary>
    /// <exception cref="InvalidOperationException">No <c>--archive-dir</c>, or the archive could not be written.</exception>
    public async Task<ArchiveResult> ArchiveNowAsync(CancellationToken cancellationToken)
    {
        ArchivePolicy policy = _archive ?? throw new InvalidOperationException("no --archive-dir was given");
        try
        {
            ArchiveResult result = await Task.Run(() => StoreArchiver.Write(_storePath, policy.Directory, DateTimeOffset.UtcNow), cancellationToken).ConfigureAwait(false);
            if (policy.Keep is { } keep)
            {
                StoreArchiver.Prune(_storePath, policy.Directory, keep);
            }

            lock (_gate)
            {
                _lastArchive = result;
                _archiveError = null;
                _nextArchive = DateTimeOffset.UtcNow + policy.Every;
            }

            Console.Error.WriteLine($"instrumentor: archived {result.Spans} spans into {result.Path} ({result.Bytes} bytes)");
            return result;
        }
        catch (Exception e) when (e is InvalidOperationException or System.IO.IOException or UnauthorizedAccessException)
        {
            lock (_gate)
            {
                _archiveError = e.Message;
                // Try again next round rather than every batch.
                _nextArchive = DateTimeOffset.UtcNow + _interval;
            }

            throw new InvalidOperationException(e.Message, e);
        }
    }

    /// <summary>One full pass: the archive when due, then by age, then by size. Returns how many spans it deleted.</summary>
    public async Task<long> RunOnceAsync(CancellationToken cancellationToken)
    {
        await _running.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            long deleted = 0;
            try
            {
                if (_archive is not null && DateTimeOffset.UtcNow >= NextArchive())
                {
                    await TryArchiveAsync(cancellationToken).ConfigureAwait(false);
                }

                deleted += await PurgeByAgeAsync(cancellationToken).ConfigureAwait(false);
                deleted += await PurgeBySizeAsync(cancellationToken).ConfigureAwait(false);
                if (deleted > 0)
                {
                    await _writer.RunAsync(store =>
                    {
                        store.ReleaseFreePages(PagesPerRelease);
                        return 0;
                    }, cancellationToken).ConfigureAwait(false);
                }

                bool over = _maxSizeBytes is { } max && await _writer.RunAsync(store => store.UsedBytes() > max, cancellationToken).ConfigureAwait(false);
                Record(deleted, over, null);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                Record(deleted, _overLimit, e.Message);
                throw;
            }

            return deleted;
        }
        finally
        {
            _running.Release();
        }
    }

    private async Task<long> PurgeByAgeAsync(CancellationToken cancellationToken)
    {
        if (_retention <= TimeSpan.Zero)
        {
            return 0;
        }

        long cutoff = StoreText.ToUnixMicroseconds(DateTimeOffset.UtcNow - _retention);
        long? through = Covered();
        long deleted = 0;
        int n;
        do
        {
            n = through is { } id
                ? await _writer.RunAsync(store => store.PurgeArchived(cutoff, id, BatchSize), cancellationToken).ConfigureAwait(false)
                : await _writer.RunAsync(store => store.PurgeOlderThan(cutoff, BatchSize), cancellationToken).ConfigureAwait(false);
            deleted += n;
            Counted(n, unarchived: false);
        }
        while (n == BatchSize);
        return deleted;
    }

    private async Task<long> PurgeBySizeAsync(CancellationToken cancellationToken)
    {
        if (_maxSizeBytes is not { } max)
        {
            return 0;
        }

        long deleted = 0;
        bool forced = false;
        bool unarchived = false;
        while (true)
        {
            long? through = unarchived ? null : Covered();
            int n = await _writer.RunAsync(store => PurgeForSize(store, max, through), cancellationToken).ConfigureAwait(false);
            if (n == 0 && through is not null && !forced)
            {
                // Over the limit with nothing archived left to delete: archive now; if even that fails, the limit wins.
                forced = true;
                unarchived = !await TryArchiveAsync(cancellationToken).ConfigureAwait(false);
                continue;
            }

            if (n <= 0)
            {
                break;
            }

            deleted += n;
            Counted(n, unarchived);
        }

        return deleted;
    }

    /// <summary>
    /// Deletes about the share of the oldest spans by which the store is over <paramref name="max"/> (at least one, at
    /// most <see cref="BatchSize"/>), so a small limit keeps the newest spans instead of emptying the store in one batch.
    /// Returns -1 when the store is within the limit.
    /// </summary>
    private static int PurgeForSize(ITraceStore store, long max, long? through)
    {
        long used = store.UsedBytes();
        if (used <= max)
        {
            return -1;
        }

        long spans = store.SpanCount();
        int share = (int)Math.Clamp((long)Math.Ceiling(spans * (double)(used - max) / used), 1, BatchSize);
        return through is { } id ? store.PurgeArchived(null, id, share) : store.PurgeOldest(share);
    }

    /// <summary>With archiving, the highest span id an archive holds (0 before the first); null without archiving.</summary>
    private long? Covered()
    {
        if (_archive is null)
        {
            return null;
        }

        lock (_gate)
        {
            return _lastArchive?.ThroughSpanId ?? 0;
        }
    }

    private DateTimeOffset NextArchive()
    {
        lock (_gate)
        {
            return _nextArchive;
        }
    }

    private async Task<bool> TryArchiveAsync(CancellationToken cancellationToken)
    {
        try
        {
            await ArchiveNowAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (InvalidOperationException e)
        {
            Console.Error.WriteLine($"instrumentor: archive failed: {e.Message}");
            return false;
        }
    }

    // Counted as each batch commits, so /api/status shows a long purge going on, not only its end.
    private void Counted(int deleted, bool unarchived)
    {
        lock (_gate)
        {
            _purgedTotal += deleted;
            if (unarchived)
            {
                _purgedUnarchived += deleted;
            }
        }
    }

    private void Record(long deleted, bool overLimit, string? error)
    {
        lock (_gate)
        {
            _lastRun = Alerts.Api.AlertTime.Format(DateTimeOffset.UtcNow);
            _lastPurged = deleted;
            _overLimit = overLimit;
            _lastError = error;
        }
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
        _running.Dispose();
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
