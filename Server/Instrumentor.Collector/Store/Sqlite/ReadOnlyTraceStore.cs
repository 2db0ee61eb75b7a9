using System;
using System.Collections.Generic;
using System.IO;
using Microsoft.Data.Sqlite;

namespace Instrumentor.Collector.Store.Sqlite;

/// <summary>
/// An archive opened by <c>serve --db</c> (<see cref="Archive.StoreArchiver"/>): queries only, on read-only
/// connections; nothing migrates, ingests or purges it, so the copy stays exactly what was archived.
/// </summary>
internal sealed class ReadOnlyTraceStore : ITraceStore
{
    private readonly string _path;

    private ReadOnlyTraceStore(string path)
    {
        _path = path;
        Queries = new SqliteTraceQueries(path);
        LogQueries = new SqliteLogQueries(path);
    }

    /// <inheritdoc />
    public string Location => _path;

    /// <inheritdoc />
    public ITraceQueries Queries { get; }

    /// <inheritdoc />
    public ILogQueries LogQueries { get; }

    /// <summary>Opens the archive at <paramref name="path"/>; refuses a schema this version cannot read.</summary>
    /// <exception cref="InvalidOperationException">Not a trace store of this schema version.</exception>
    public static ReadOnlyTraceStore Open(string path)
    {
        string full = Path.GetFullPath(path);
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = full, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        try
        {
            connection.Open();
            using SqliteCommand command = connection.CreateCommand();
            command.CommandText = "PRAGMA user_version;";
            long version = (long)command.ExecuteScalar()!;
            if (version != SqliteSchema.CurrentVersion)
            {
                throw new InvalidOperationException(
                    $"the archive {full} has schema version {version}; this collector reads version {SqliteSchema.CurrentVersion} read-only " +
                    "(an archive is never migrated: use the instrumentor version that wrote it)");
            }
        }
        catch (SqliteException e)
        {
            throw new InvalidOperationException($"cannot open the archive {full}: {e.Message}", e);
        }

        return new ReadOnlyTraceStore(full);
    }

    /// <inheritdoc />
    public StoreIngestResult WriteSpans(SpanBatch batch) => throw ReadOnly();

    /// <inheritdoc />
    public StoreIngestResult WriteLogs(IReadOnlyList<LogEntry> logs, string? batchId) => throw ReadOnly();

    /// <inheritdoc />
    public int PurgeOlderThan(long cutoffUnixMicroseconds, int limit) => throw ReadOnly();

    /// <inheritdoc />
    public int PurgeOldest(int limit) => throw ReadOnly();

    /// <inheritdoc />
    public int PurgeArchived(long? cutoffUnixMicroseconds, long throughSpanId, int limit) => throw ReadOnly();

    /// <inheritdoc />
    public long? OldestSpanId() => throw ReadOnly();

    /// <inheritdoc />
    public void ReleaseFreePages(int maxPages) => throw ReadOnly();

    /// <inheritdoc />
    public long SizeBytes() => new FileInfo(_path).Length;

    /// <inheritdoc />
    public long UsedBytes() => SizeBytes();

    /// <inheritdoc />
    public long SpanCount() => throw ReadOnly();

    /// <inheritdoc />
    public void Dispose() => SqliteConnection.ClearAllPools();

    private InvalidOperationException ReadOnly() => new($"{_path} is an archive, opened read-only");
}
