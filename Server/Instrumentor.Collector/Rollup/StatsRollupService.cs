using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using Instrumentor.Collector.Ingest;
using Instrumentor.Collector.Store;

namespace Instrumentor.Collector.Rollup;

/// <summary>
/// Keeps the store's per-minute stats rollups (<c>/api/stats</c> over long ranges reads them) and its text search index
/// (<c>q</c> of <c>/api/spans</c>) up to date: every second, folds the spans stored since the last fold, in steps of
/// <see cref="Step"/> (<see cref="SearchStep"/> for the index) spans through the store's one writer,
/// so a large backlog (the first start on a big file) is worked off between ingest batches instead of before them.
/// While spans are coming in (<see cref="BusyIngestPerSecond"/>), the search index takes at most
/// <see cref="BusySearchShare"/> of the writer's time: indexing costs about 12 µs a span on the writer, and left to
/// itself it took 45 % of the ingest rate (72,000 spans/s without folds, 66,500 with the stats fold, 36,000 with both).
/// Under such a load the index falls behind; <c>q</c> then scans its unindexed tail (correct, slower), and the index
/// catches up when ingest eases.
/// </summary>
internal sealed class StatsRollupService : IDisposable
{
    /// <summary>Spans folded per writer turn.</summary>
    internal const int Step = 20_000;

    private readonly IngestWriter _writer;
    private readonly TimeSpan _interval;
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;

    public StatsRollupService(IngestWriter writer, TimeSpan interval)
    {
        _writer = writer;
        _interval = interval;
    }

    /// <summary>Starts folding now and then every interval until disposed.</summary>
    public void Start() => _loop = Task.Run(LoopAsync);

    /// <summary>
    /// Spans added to the text search index per writer turn: an FTS5 trigram insert costs tens of microseconds a span
    /// (far more than the stats fold), so its turns are smaller, and ingest batches get the writer between them.
    /// </summary>
    internal const int SearchStep = 5_000;

    /// <summary>Spans per second (over the last seconds) from which ingest counts as busy for the search index's budget.</summary>
    internal const double BusyIngestPerSecond = 1_000;

    /// <summary>Share of the writer's time the search index may take while ingest is busy.</summary>
    internal const double BusySearchShare = 0.1;

    private readonly SearchIndexBudget _searchBudget = new(BusySearchShare);

    /// <summary>Stats turns (of <see cref="Step"/> spans) a search turn waits for at most while the stats have a backlog.</summary>
    internal const int StatsTurnsPerSearchTurn = 4;

    /// <summary>
    /// Folds everything stored so far into the rollups and the search index (tests; the loop does the same in the
    /// background); returns how many spans the stats fold passed. The stats fold goes first, so a long search backlog (the
    /// first start on a large store) does not hold the stats back; the index takes its turns once they are caught up.
    /// </summary>
    public Task<long> FoldAllAsync(CancellationToken cancellationToken) => FoldAllAsync(budgeted: false, cancellationToken);

    private async Task<long> FoldAllAsync(bool budgeted, CancellationToken cancellationToken)
    {
        long total = 0;
        int statsTurnsInARow = 0;
        bool more;
        do
        {
            int folded = await _writer.RunAsync(store => store.FoldStats(Step), cancellationToken).ConfigureAwait(false);
            total += folded;
            if (folded == Step && ++statsTurnsInARow < StatsTurnsPerSearchTurn)
            {
                // The stats first: until they catch up, /api/graph and /api/stats count the unfolded spans from the
                // table, which a large backlog makes slow; the search index answers correctly meanwhile (it scans
                // its unindexed tail), so it waits, but never for more than a few turns (under an ingest the stats
                // never catch up with, it would wait for ever).
                more = true;
                continue;
            }

            statsTurnsInARow = 0;
            if (budgeted && !_searchBudget.MayRun(Stopwatch.GetTimestamp()))
            {
                // The index used its share of the writer lately: the stats go on (if they have more), the index waits.
                more = folded == Step;
                continue;
            }

            long began = Stopwatch.GetTimestamp();
            int indexed = await _writer.RunAsync(store => store.FoldSearch(SearchStep), cancellationToken).ConfigureAwait(false);
            long ended = Stopwatch.GetTimestamp();
            if (budgeted)
            {
                // Its turn took the writer for (ended - began): while ingest is busy the next one waits for its share.
                _searchBudget.Ran(began, ended, _writer.IngestPerSecond >= BusyIngestPerSecond);
            }

            more = indexed == SearchStep;
        }
        while (more);
        return total;
    }

    private async Task LoopAsync()
    {
        CancellationToken token = _stop.Token;
        while (!token.IsCancellationRequested)
        {
            try
            {
                await FoldAllAsync(budgeted: true, token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is Microsoft.Data.Sqlite.SqliteException or InvalidOperationException or FormatException)
            {
                // A busy store or a bad row: try again next round; ingest and the exact stats are not affected.
                Console.Error.WriteLine($"instrumentor: stats rollup failed this round: {e.Message}");
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
}
