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
    private readonly Dictionary<(string Process, string? Group, string? Service), long> _siteIds = new();
    private readonly SqliteCommand _insertSpan;
    private readonly SqliteCommand _findSpan;

    private SqliteTraceStore(string path, SqliteConnection connection)
    {
        _path = path;
        _connection = connection;
        _insertSpan = Prepare("""
            INSERT INTO span (ts, site_id, trace_hi, trace_lo, span_id, parent_span_id, status, duration_ns, thread_id, data, exception)
            VALUES ($ts, $site, $th, $tl, $span, $parent, $status, $duration, $thread, $data, $exception);
            """, "$ts", "$site", "$th", "$tl", "$span", "$parent", "$status", "$duration", "$thread", "$data", "$exception");
        // The trace index narrows to one trace; its few spans are then compared by span id (no index on random ids).
        _findSpan = Prepare("SELECT 1 FROM span WHERE trace_hi = $th AND trace_lo = $tl AND span_id = $span LIMIT 1;", "$th", "$tl", "$span");
        Queries = new SqliteTraceQueries(path);
    }

    /// <inheritdoc />
    public string Location => _path;

    /// <inheritdoc />
    public ITraceQueries Queries { get; }

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
            SqliteSchema.Migrate(connection);
            CollectorSchema.Apply(connection);
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
    public StoreIngestResult WriteSpans(SpanBatch batch)
    {
        using SqliteTransaction transaction = _connection.BeginTransaction(deferred: false);
        var added = new List<(string, string?, string?)>();
        try
        {
            if (batch.BatchId is { } batchId && BatchSeen(transaction, batchId))
            {
                return new StoreIngestResult(0, batch.Spans.Count);
            }

            int accepted = 0;
            int duplicates = 0;
            var inBatch = new HashSet<(ulong, ulong, ulong)>();
            foreach (SpooledSpan span in batch.Spans)
            {
                if (!inBatch.Add((span.TraceHigh, span.TraceLow, span.SpanId)) || Exists(transaction, span))
                {
                    duplicates++;
                    continue;
                }

                long site = SiteId(transaction, span.Process, span.ProcessGroup, batch.Service, added);
                Insert(transaction, span, site);
                accepted++;
            }

            transaction.Commit();
            return new StoreIngestResult(accepted, duplicates);
        }
        catch
        {
            foreach ((string, string?, string?) key in added)
            {
                _siteIds.Remove(key);
            }

            throw;
        }
    }

    /// <inheritdoc />
    public int WriteLogs(IReadOnlyList<LogEntry> logs)
    {
        using SqliteTransaction transaction = _connection.BeginTransaction(deferred: false);
        using SqliteCommand command = _connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            INSERT INTO log (ts, level, logger, message, trace_hi, trace_lo, span_id, parent_span_id, exception, attributes, service)
            VALUES ($ts, $level, $logger, $message, $th, $tl, $span, $parent, $exception, $attributes, $service);
            """;
        foreach (string name in (string[])["$ts", "$level", "$logger", "$message", "$th", "$tl", "$span", "$parent", "$exception", "$attributes", "$service"])
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        foreach (LogEntry log in logs)
        {
            bool hasTrace = log.TraceHigh != 0 || log.TraceLow != 0;
            command.Parameters[0].Value = log.TimestampMicroseconds;
            command.Parameters[1].Value = (object?)log.Level ?? DBNull.Value;
            command.Parameters[2].Value = (object?)log.Logger ?? DBNull.Value;
            command.Parameters[3].Value = (object?)log.Message ?? DBNull.Value;
            command.Parameters[4].Value = hasTrace ? unchecked((long)log.TraceHigh) : DBNull.Value;
            command.Parameters[5].Value = hasTrace ? unchecked((long)log.TraceLow) : DBNull.Value;
            command.Parameters[6].Value = log.SpanId != 0 ? unchecked((long)log.SpanId) : DBNull.Value;
            command.Parameters[7].Value = log.ParentSpanId != 0 ? unchecked((long)log.ParentSpanId) : DBNull.Value;
            command.Parameters[8].Value = (object?)log.Exception ?? DBNull.Value;
            command.Parameters[9].Value = (object?)log.Attributes ?? DBNull.Value;
            command.Parameters[10].Value = (object?)log.Service ?? DBNull.Value;
            command.ExecuteNonQuery();
        }

        transaction.Commit();
        return logs.Count;
    }

    /// <inheritdoc />
    public int PurgeOlderThan(long cutoffUnixMicroseconds, int limit)
    {
        using SqliteTransaction transaction = _connection.BeginTransaction(deferred: false);
        int deleted = Run(transaction, "DELETE FROM span WHERE id IN (SELECT id FROM span WHERE ts < $cutoff ORDER BY ts LIMIT $limit);",
            ("$cutoff", cutoffUnixMicroseconds), ("$limit", limit));
        Run(transaction, "DELETE FROM log WHERE id IN (SELECT id FROM log WHERE ts < $cutoff ORDER BY ts LIMIT $limit);",
            ("$cutoff", cutoffUnixMicroseconds), ("$limit", limit));
        Run(transaction, "DELETE FROM collector_batch WHERE received < $cutoff;", ("$cutoff", cutoffUnixMicroseconds));
        transaction.Commit();
        return deleted;
    }

    /// <inheritdoc />
    public int PurgeOldest(int limit)
    {
        using SqliteTransaction transaction = _connection.BeginTransaction(deferred: false);
        int deleted = Run(transaction, "DELETE FROM span WHERE id IN (SELECT id FROM span ORDER BY ts LIMIT $limit);", ("$limit", limit));
        // Logs go with the spans of their time: everything older than the oldest span left (all of them when none is).
        Run(transaction, """
            DELETE FROM log WHERE id IN (SELECT id FROM log WHERE ts < coalesce((SELECT min(ts) FROM span), 9223372036854775807) ORDER BY ts LIMIT $limit);
            """, ("$limit", limit));
        transaction.Commit();
        return deleted;
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
    public void Dispose()
    {
        _insertSpan.Dispose();
        _findSpan.Dispose();
        _connection.Dispose();
        SqliteConnection.ClearAllPools();
    }

    private bool BatchSeen(SqliteTransaction transaction, string batchId)
    {
        using SqliteCommand command = _connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "INSERT INTO collector_batch (batch_id, received) VALUES ($id, $now) ON CONFLICT (batch_id) DO NOTHING;";
        command.Parameters.AddWithValue("$id", batchId);
        command.Parameters.AddWithValue("$now", StoreText.ToUnixMicroseconds(DateTimeOffset.UtcNow));
        return command.ExecuteNonQuery() == 0;
    }

    private bool Exists(SqliteTransaction transaction, SpooledSpan span)
    {
        _findSpan.Transaction = transaction;
        _findSpan.Parameters[0].Value = unchecked((long)span.TraceHigh);
        _findSpan.Parameters[1].Value = unchecked((long)span.TraceLow);
        _findSpan.Parameters[2].Value = unchecked((long)span.SpanId);
        return _findSpan.ExecuteScalar() is not null;
    }

    private void Insert(SqliteTransaction transaction, SpooledSpan span, long siteId)
    {
        SqliteParameterCollection p = _insertSpan.Parameters;
        _insertSpan.Transaction = transaction;
        p[0].Value = span.StartUnixMicroseconds;
        p[1].Value = siteId;
        p[2].Value = unchecked((long)span.TraceHigh);
        p[3].Value = unchecked((long)span.TraceLow);
        p[4].Value = unchecked((long)span.SpanId);
        p[5].Value = span.ParentSpanId != 0 ? unchecked((long)span.ParentSpanId) : DBNull.Value;
        p[6].Value = (int)span.Status;
        p[7].Value = span.DurationNanoseconds >= 0 ? span.DurationNanoseconds : DBNull.Value;
        p[8].Value = span.ThreadId;
        p[9].Value = span.DataUtf8 is { } data ? System.Text.Encoding.UTF8.GetString(data) : DBNull.Value;
        p[10].Value = (object?)span.Exception ?? DBNull.Value;
        _insertSpan.ExecuteNonQuery();
    }

    private long SiteId(SqliteTransaction transaction, string process, string? group, string? service, List<(string, string?, string?)> added)
    {
        if (_siteIds.TryGetValue((process, group, service), out long id))
        {
            return id;
        }

        using SqliteCommand command = _connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT id FROM site WHERE process = $p AND process_group IS $g AND service IS $s;";
        command.Parameters.AddWithValue("$p", process);
        command.Parameters.AddWithValue("$g", (object?)group ?? DBNull.Value);
        command.Parameters.AddWithValue("$s", (object?)service ?? DBNull.Value);
        if (command.ExecuteScalar() is long existing)
        {
            id = existing;
        }
        else
        {
            command.CommandText = "INSERT INTO site (process, process_group, service) VALUES ($p, $g, $s) RETURNING id;";
            id = (long)command.ExecuteScalar()!;
        }

        _siteIds[(process, group, service)] = id;
        added.Add((process, group, service));
        return id;
    }

    private SqliteCommand Prepare(string sql, params string[] parameters)
    {
        SqliteCommand command = _connection.CreateCommand();
        command.CommandText = sql;
        foreach (string name in parameters)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name, Value = DBNull.Value });
        }

        return command;
    }

    private int Run(SqliteTransaction transaction, string sql, params (string Name, long Value)[] parameters)
    {
        using SqliteCommand command = _connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach ((string name, long value) in parameters)
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
