using System;
using System.Collections.Generic;

namespace Instrumentor.Collector.Store;

/// <summary>
/// Where the collector keeps spans and logs. Writes are called by the <see cref="Ingest.IngestWriter"/> of the
/// store only, from <see cref="WriterThreads"/> threads (one for SQLite, so it never sees two writers of ours); <see cref="Queries"/> may be used from any thread.
/// SQLite (<see cref="Sqlite.SqliteTraceStore"/>) and PostgreSQL (<see cref="Postgres.PostgresTraceStore"/>) implement it.
/// </summary>
internal interface ITraceStore : IDisposable
{
    /// <summary>Where the store lives, for messages (a file path, a host).</summary>
    string Location { get; }

    /// <summary>Commits a batch all-or-nothing; spans already stored, or a batch id already seen, count as duplicates.</summary>
    StoreIngestResult WriteSpans(SpanBatch batch);

    /// <summary>
    /// How many spans <see cref="WriteSpanGroup"/> may take in one call; 0 (the default): the store commits batch by
    /// batch and the writer never groups them.
    /// </summary>
    int MaxGroupedSpans => 0;

    /// <summary>
    /// How many threads may call the write methods at once (1, the default: one writer, as SQLite needs). A store
    /// above 1 must be safe for concurrent writes, as two collectors sharing its database are.
    /// </summary>
    int WriterThreads => 1;

    /// <summary>
    /// Commits several batches in one transaction, all-or-nothing (one commit for spans that arrived together); one
    /// result per batch, in order, as <see cref="WriteSpans"/> would give each. Only called when
    /// <see cref="MaxGroupedSpans"/> is above 0.
    /// </summary>
    /// <exception cref="NotSupportedException">The store does not group batches.</exception>
    IReadOnlyList<StoreIngestResult> WriteSpanGroup(IReadOnlyList<SpanBatch> batches) =>
        throw new NotSupportedException("this store commits span batches one by one");

    /// <summary>
    /// Commits log lines in one transaction. With a <paramref name="batchId"/> already committed, stores nothing and
    /// counts the lines as duplicates.
    /// </summary>
    StoreIngestResult WriteLogs(IReadOnlyList<LogEntry> logs, string? batchId);

    /// <summary>Deletes at most <paramref name="limit"/> of the oldest spans (and logs) that started before the cutoff.</summary>
    int PurgeOlderThan(long cutoffUnixMicroseconds, int limit);

    /// <summary>Deletes at most <paramref name="limit"/> of the oldest spans (and logs of that age), whatever their age.</summary>
    int PurgeOldest(int limit);

    /// <summary>
    /// Deletes at most <paramref name="limit"/> of the oldest spans whose id is at most <paramref name="throughSpanId"/>
    /// (those an archive holds) and, when <paramref name="cutoffUnixMicroseconds"/> is given, that started before it;
    /// logs older than what is left go with them.
    /// </summary>
    int PurgeArchived(long? cutoffUnixMicroseconds, long throughSpanId, int limit);

    /// <summary>The id of the oldest span (null when empty): whether an archive covers what a purge would delete.</summary>
    long? OldestSpanId();

    /// <summary>Gives up to <paramref name="maxPages"/> free pages back to the file system (the file shrinks).</summary>
    void ReleaseFreePages(int maxPages);

    /// <summary>Bytes the store takes on disk (database plus write-ahead log).</summary>
    long SizeBytes();

    /// <summary>Bytes of the database that hold data (free pages not counted): what a size limit compares with, since
    /// a file that cannot shrink (made without auto_vacuum) reuses its free pages instead. Writer thread only.</summary>
    long UsedBytes();

    /// <summary>Spans stored (writer thread; used to size a purge).</summary>
    long SpanCount();

    /// <summary>
    /// Folds up to <paramref name="limit"/> spans stored since the last fold into the per-minute stats rollups
    /// (writer thread); returns how many it folded. A store without rollups folds nothing.
    /// </summary>
    int FoldStats(int limit) => 0;

    /// <summary>
    /// Adds up to <paramref name="limit"/> spans stored since the last fold to the text search index (writer thread);
    /// returns how many it passed. A store without one (PostgreSQL indexes on insert) folds nothing.
    /// </summary>
    int FoldSearch(int limit) => 0;

    /// <summary>The read side.</summary>
    ITraceQueries Queries { get; }

    /// <summary>The read side of the log lines (<c>GET /api/logs</c>).</summary>
    ILogQueries LogQueries { get; }
}
