using System;
using System.Collections.Generic;
using System.IO;
using Microsoft.Data.Sqlite;

namespace Instrumentor.Collector.Store.Sqlite;

/// <summary>
/// The SQLite store: the same file, schema and migrations as the runtime's (<see cref="SqliteSchema"/>), in WAL mode so
/// an application can keep writing the file the collector serves. One write connection, used by the store's one
/// writer; readers open their own pooled connections (<see cref="SqliteTraceQueries"/>).
/// </summary>
internal sealed class SqliteTraceStore : ITraceStore
{
    private readonly string _path;
    private readonly SqliteConnection _connection;
    // The runtime's store writes the spans (one implementation of the span insert, ids, sites and instances).
    private readonly SqliteSpanSink _spans;

    private SqliteTraceStore(string path, SqliteConnection connection)
    {
        _path = path;
        _connection = connection;
        // Chunked: the collector also stores other tracers' random span ids (OTLP), which a plain index takes badly.
        _spans = new SqliteSpanSink(path, service: null, system: null) { SpanIds = SpanIdIndexing.Chunked };
        Queries = new SqliteTraceQueries(path);
        LogQueries = new SqliteLogQueries(path);
    }

    /// <inheritdoc />
    public string Location => _path;

    /// <inheritdoc />
    public ITraceQueries Queries { get; }

    /// <inheritdoc />
    public ILogQueries LogQueries { get; }

    /// <summary>Opens (creating it if needed) and migrates the store at <paramref name="path"/>.</summary>
    /// <exception cref="InvalidOperationException">The file is not a trace store this version can use.</exception>
    public static SqliteTraceStore Open(string path)
    {
        string full = Path.GetFullPath(path);
        string? directory = Path.GetDirectoryName(full);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = full,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
        }.ToString());
        try
        {
            connection.Open();
            // A new file gives freed pages back to the file system on request (retention shrinks it); auto_vacuum can
            // only be chosen before the first table exists.
            Execute(connection, "PRAGMA auto_vacuum = INCREMENTAL;");
            Execute(connection, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;");
            SqliteSchema.Migrate(connection, SpanIdIndexing.Chunked);
            Rollup.StatsRollup.EnsureSchema(connection);
            Search.SearchIndex.EnsureSchema(connection);
            return new SqliteTraceStore(full, connection);
        }
        catch (SqliteException e)
        {
            connection.Dispose();
            throw new InvalidOperationException($"cannot open the trace store {full}: {e.Message}", e);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public int FoldStats(int limit) => Rollup.StatsRollup.Fold(_connection, limit);

    /// <inheritdoc />
    public int FoldSearch(int limit) => Search.SearchIndex.Fold(_connection, limit);

    /// <inheritdoc />
    public StoreIngestResult WriteSpans(SpanBatch batch)
    {
        SystemInfo? system = batch.System is { SystemInstanceId: { Length: > 0 } instance } sender
            ? new SystemInfo(sender.SystemName ?? batch.Service ?? "", sender.SystemId ?? "", instance)
            : null;
        IngestResult result = _spans.Ingest(batch.Spans, batch.Service, system, batch.BatchId);
        return new StoreIngestResult(result.Accepted, result.Duplicates);
    }

    /// <inheritdoc />
    public StoreIngestResult WriteLogs(IReadOnlyList<LogEntry> logs, string? batchId)
    {
        using SqliteTransaction transaction = _connection.BeginTransaction(deferred: false);
        using SqliteCommand command = _connection.CreateCommand();
        command.Transaction = transaction;
        if (batchId is not null)
        {
            // The batch id row commits with the lines: a batch sent again after a lost answer stores nothing twice.
            command.CommandText = "INSERT OR IGNORE INTO log_batch (batch_id, committed, lines) VALUES ($batch, $now, $lines);";
            command.Parameters.AddWithValue("$batch", batchId);
            command.Parameters.AddWithValue("$now", StoreText.Timestamp(StoreText.ToUnixMicroseconds(DateTimeOffset.UtcNow)));
            command.Parameters.AddWithValue("$lines", logs.Count);
            if (command.ExecuteNonQuery() == 0)
            {
                return new StoreIngestResult(0, logs.Count);
            }

            command.Parameters.Clear();
        }

        command.CommandText = """
            INSERT INTO log (ts, level, logger, message, trace_id, span_id, parent_span_id, exception, attributes, service)
            VALUES ($ts, $level, $logger, $message, $trace, $span, $parent, $exception, $attributes, $service);
            """;
        foreach (string name in (string[])["$ts", "$level", "$logger", "$message", "$trace", "$span", "$parent", "$exception", "$attributes", "$service"])
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        foreach (LogEntry log in logs)
        {
            bool hasTrace = log.TraceHigh != 0 || log.TraceLow != 0;
            command.Parameters[0].Value = StoreText.Timestamp(log.TimestampMicroseconds);
            command.Parameters[1].Value = (object?)log.Level ?? DBNull.Value;
            command.Parameters[2].Value = (object?)log.Logger ?? DBNull.Value;
            command.Parameters[3].Value = (object?)log.Message ?? DBNull.Value;
            command.Parameters[4].Value = hasTrace ? StoreText.TraceId(log.TraceHigh, log.TraceLow) : DBNull.Value;
            command.Parameters[5].Value = log.SpanId != 0 ? StoreText.SpanId(log.SpanId) : DBNull.Value;
            command.Parameters[6].Value = log.ParentSpanId != 0 ? StoreText.SpanId(log.ParentSpanId) : DBNull.Value;
            command.Parameters[7].Value = (object?)log.Exception ?? DBNull.Value;
            command.Parameters[8].Value = (object?)log.Attributes ?? DBNull.Value;
            command.Parameters[9].Value = (object?)log.Service ?? DBNull.Value;
            command.ExecuteNonQuery();
        }

        transaction.Commit();
        return new StoreIngestResult(logs.Count, 0);
    }

    /// <inheritdoc />
    public int PurgeOlderThan(long cutoffUnixMicroseconds, int limit)
    {
        // As the runtime purges its store (oldest first through span_ts, and batch ids as old as their spans at the end
        // of a round), on the collector's connection, so the rollups lose the purged spans in the same transaction.
        string cutoff = StoreText.Timestamp(cutoffUnixMicroseconds);
        using SqliteTransaction transaction = _connection.BeginTransaction(deferred: false);
        int deleted = Rollup.RollupPurge.DeleteSpans(_connection, transaction, "SELECT id FROM span WHERE ts < $cutoff ORDER BY ts LIMIT $limit",
            ("$cutoff", cutoff), ("$limit", limit));
        if (deleted < limit)
        {
            Run(transaction, "DELETE FROM ingest_batch WHERE committed < $cutoff;", ("$cutoff", cutoff));
        }

        Run(transaction, "DELETE FROM log WHERE id IN (SELECT id FROM log WHERE ts < $cutoff ORDER BY ts LIMIT $limit);", ("$cutoff", cutoff), ("$limit", limit));
        transaction.Commit();
        return deleted;
    }

    /// <inheritdoc />
    public int PurgeOldest(int limit)
    {
        using SqliteTransaction transaction = _connection.BeginTransaction(deferred: false);
        int deleted = Rollup.RollupPurge.DeleteSpans(_connection, transaction, "SELECT id FROM span ORDER BY ts LIMIT $limit", ("$limit", limit));
        // Logs go with the spans of their time: everything older than the oldest span left (all of them when none is).
        Run(transaction, """
            DELETE FROM log WHERE id IN (SELECT id FROM log WHERE ts < coalesce((SELECT min(ts) FROM span), '9999') ORDER BY ts LIMIT $limit);
            """, ("$limit", limit));
        Run(transaction, "DELETE FROM ingest_batch WHERE committed < coalesce((SELECT min(ts) FROM span), '9999');");
        transaction.Commit();
        return deleted;
    }

    /// <inheritdoc />
    public int PurgeArchived(long? cutoffUnixMicroseconds, long throughSpanId, int limit)
    {
        using SqliteTransaction transaction = _connection.BeginTransaction(deferred: false);
        int deleted = cutoffUnixMicroseconds is { } cutoff
            ? Rollup.RollupPurge.DeleteSpans(_connection, transaction, "SELECT id FROM span WHERE ts < $cutoff AND id <= $through ORDER BY ts LIMIT $limit",
                ("$cutoff", StoreText.Timestamp(cutoff)), ("$through", throughSpanId), ("$limit", limit))
            : Rollup.RollupPurge.DeleteSpans(_connection, transaction, "SELECT id FROM span WHERE id <= $through ORDER BY ts LIMIT $limit",
                ("$through", throughSpanId), ("$limit", limit));
        string floor = cutoffUnixMicroseconds is { } c ? StoreText.Timestamp(c) : "9999";
        Run(transaction, """
            DELETE FROM log WHERE id IN (SELECT id FROM log WHERE ts < min($floor, coalesce((SELECT min(ts) FROM span), '9999')) ORDER BY ts LIMIT $limit);
            """, ("$floor", floor), ("$limit", limit));
        if (deleted < limit)
        {
            Run(transaction, "DELETE FROM ingest_batch WHERE committed < min($floor, coalesce((SELECT min(ts) FROM span), '9999'));", ("$floor", floor));
        }

        transaction.Commit();
        return deleted;
    }

    /// <inheritdoc />
    public long? OldestSpanId()
    {
        using SqliteCommand command = _connection.CreateCommand();
        command.CommandText = "SELECT id FROM span ORDER BY ts LIMIT 1;";
        return command.ExecuteScalar() is long id ? id : null;
    }

    /// <inheritdoc />
    public void ReleaseFreePages(int maxPages)
    {
        Execute(_connection, $"PRAGMA incremental_vacuum({maxPages});");
        // The write-ahead log holds the pages just changed: fold it back and truncate it so the disk sees the shrink.
        Execute(_connection, "PRAGMA wal_checkpoint(TRUNCATE);");
    }

    /// <inheritdoc />
    public long SizeBytes() => FileLength(_path) + FileLength(_path + "-wal");

    /// <inheritdoc />
    public long UsedBytes()
    {
        using SqliteCommand command = _connection.CreateCommand();
        command.CommandText = "SELECT (SELECT page_count FROM pragma_page_count()) - (SELECT freelist_count FROM pragma_freelist_count()), (SELECT page_size FROM pragma_page_size());";
        using SqliteDataReader reader = command.ExecuteReader();
        reader.Read();
        return reader.GetInt64(0) * reader.GetInt64(1);
    }

    /// <inheritdoc />
    public long SpanCount()
    {
        using SqliteCommand command = _connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM span;";
        return (long)command.ExecuteScalar()!;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _spans.Dispose();
        _connection.Dispose();
        SqliteConnection.ClearAllPools();
    }

    private int Run(string sql, params (string Name, object Value)[] parameters)
    {
        using SqliteTransaction transaction = _connection.BeginTransaction(deferred: false);
        int changed = Run(transaction, sql, parameters);
        transaction.Commit();
        return changed;
    }

    private int Run(SqliteTransaction transaction, string sql, params (string Name, object Value)[] parameters)
    {
        using SqliteCommand command = _connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach ((string name, object value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return command.ExecuteNonQuery();
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        using SqliteDataReader reader = command.ExecuteReader();
        while (reader.Read())
        {
        }
    }

    private static long FileLength(string path)
    {
        var file = new FileInfo(path);
        return file.Exists ? file.Length : 0;
    }
}
