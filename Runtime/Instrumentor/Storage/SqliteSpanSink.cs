using System;
using System.Collections.Generic;
using System.IO;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Instrumentor;

/// <summary>
/// The embedded store: one SQLite file in WAL mode, one transaction per batch, the span insert prepared once
/// and bound through the native API so a row costs no allocation beyond its formatted values. The runtime's
/// writer commits through <see cref="Write"/>; the collector stores spans formatted by other processes through
/// <see cref="Ingest"/>. One thread at a time.
/// </summary>
internal sealed class SqliteSpanSink : ISpanSink
{
    private const string InsertSpanSql = """
        INSERT INTO span (ts, site_id, instance_id, trace_id, span_id, parent_span_id, status, duration_ns, thread_id, data, exception)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11);
        """;

    // Served by span_trace (trace_id, span_id) alone: a few entries of one trace, never the table.
    private const string SpanExistsSql = "SELECT 1 FROM span WHERE trace_id = ?1 AND span_id = ?2 LIMIT 1;";

    // Exception text (with stack) is capped so one pathological exception cannot bloat every page around it.
    private const int MaxExceptionLength = 32_768;

    private readonly string _path;
    private readonly string? _service;
    private readonly SystemInfo? _system;
    private readonly SpanDataJson _json = new();
    // Caches of the site and instance tables, valid for one connection: cleared when it is (re)opened, since the
    // file may have been recreated, and when a transaction rolls back, since the ids it created are gone.
    // Sites by descriptor identity (live records, no hashing of names) and by name (replayed and ingested).
    private readonly Dictionary<Runtime.MonitorSite, long> _siteIds = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<(string Process, string? Group, string? Service), long> _siteIdsByName = new();
    private readonly Dictionary<string, long> _instanceIds = new(StringComparer.Ordinal);
    private SqliteConnection? _connection;
    private sqlite3_stmt? _insertSpan;
    private sqlite3_stmt? _spanExists;
    private WalCheckpointer? _checkpointer;

    /// <summary>A store for this process's own spans, tagged with <see cref="ProcessSystemInfo"/>.</summary>
    internal SqliteSpanSink(string path, string? service)
        : this(path, service, ProcessSystemInfo.For(service))
    {
    }

    /// <summary>A store whose <see cref="Write"/> tags spans with <paramref name="service"/> and <paramref name="system"/>.</summary>
    internal SqliteSpanSink(string path, string? service, SystemInfo? system)
    {
        _path = path;
        _service = service;
        _system = system;
    }

    /// <inheritdoc />
    public string Name => _path;

    /// <summary>
    /// The cursors (<c>export_cursor.name</c>) of the exporters that read this store as their outbox: retention never
    /// deletes a span above the lowest of them, so a span past its age is kept until every exporter has it acknowledged.
    /// Cursors of exporters not listed here (no longer configured) do not hold retention.
    /// </summary>
    internal IReadOnlyList<string> ExportCursors { get; init; } = Array.Empty<string>();

    /// <summary>
    /// The span id index this writer wants in the file (<see cref="SpanIdIndexing"/>): the runtime's own ids ascend on
    /// each thread (<see cref="SpanIdIndexing.Sequential"/>, the default); the collector, which stores any tracer's ids,
    /// asks for <see cref="SpanIdIndexing.Chunked"/>.
    /// </summary>
    internal SpanIdIndexing SpanIds { get; init; } = SpanIdIndexing.Sequential;

    /// <summary>
    /// The side-row sources (session rows) committed inside this store's span transactions: set on the sink of a
    /// pipeline, so a process's spans and session rows share one writer, one connection and one transaction a batch.
    /// </summary>
    internal SideRowGroup? SideRows { get; init; }

    /// <inheritdoc />
    public bool HasSideRows => SideRows?.HasPending ?? false;

    /// <inheritdoc />
    public void Write(ReadOnlySpan<SpanRecord> batch, SpoolCheckpoint? checkpoint)
    {
        SqliteConnection connection = EnsureOpen();
        try
        {
            using SqliteTransaction transaction = connection.BeginTransaction(deferred: false);
            long? instanceId = _system is null ? null : InstanceId(connection, transaction, _system);
            foreach (ref readonly SpanRecord record in batch)
            {
                if (record.Spooled is { } spooled)
                {
                    // A span of a Monitoring.BeginSystem scope: that system's name is its service, its instance its own.
                    SystemInfo? scoped = spooled.ScopedSystem;
                    InsertSpooled(spooled, SiteId(connection, transaction, spooled.Process, spooled.ProcessGroup, scoped?.SystemName ?? _service),
                        scoped is null ? instanceId : InstanceId(connection, transaction, scoped));
                }
                else if (record.ScopedSystem is { } scoped)
                {
                    InsertSpan(record, SiteId(connection, transaction, record.Site!.Process, record.Site.ProcessGroup, scoped.SystemName),
                        InstanceId(connection, transaction, scoped));
                }
                else
                {
                    InsertSpan(record, SiteId(connection, transaction, record.Site!), instanceId);
                }
            }

            if (checkpoint is { } cursor)
            {
                using SqliteCommand command = connection.CreateCommand();
                command.Transaction = transaction;
                command.CommandText = "INSERT INTO spool_cursor (file_id, offset) VALUES ($id, $offset) ON CONFLICT (file_id) DO UPDATE SET offset = excluded.offset;";
                command.Parameters.AddWithValue("$id", cursor.FileId);
                command.Parameters.AddWithValue("$offset", cursor.Offset);
                command.ExecuteNonQuery();
            }

            SideRows?.Stage(connection, transaction);
            transaction.Commit();
        }
        catch
        {
            SideRows?.RolledBack();
            Abandon();
            throw;
        }

        SideRows?.Committed(batch.Length);
        _checkpointer?.Committed(batch.Length);
    }

    /// <summary>
    /// Stores spans formatted elsewhere (the collector's ingest), all or nothing, in one transaction. Idempotent:
    /// a span whose (trace id, span id) is already stored, earlier or in this batch, is a duplicate and not stored
    /// again; a <paramref name="batchId"/> already committed stores nothing and counts every span as a duplicate.
    /// </summary>
    /// <param name="spans">The spans; <see cref="SpooledSpan.DataUtf8"/> as built by <see cref="SpanDataJson.FromValues"/>.</param>
    /// <param name="service">The service of every span (part of the site key).</param>
    /// <param name="system">The instance they come from, or null when unknown.</param>
    /// <param name="batchId">The sender's batch id, or null.</param>
    /// <remarks>On any exception (the store refused the batch, a span without a process) nothing of the batch is kept.</remarks>
    internal IngestResult Ingest(IReadOnlyList<SpooledSpan> spans, string? service, SystemInfo? system, string? batchId)
    {
        ArgumentNullException.ThrowIfNull(spans);
        SqliteConnection connection = EnsureOpen();
        IngestResult result;
        try
        {
            using SqliteTransaction transaction = connection.BeginTransaction(deferred: false);
            if (batchId is not null && BatchCommitted(connection, transaction, batchId))
            {
                return new IngestResult(0, spans.Count);
            }

            long? instanceId = system is null ? null : InstanceId(connection, transaction, system);
            int accepted = 0;
            foreach (SpooledSpan span in spans)
            {
                if (SpanExists(span.TraceHigh, span.TraceLow, span.SpanId))
                {
                    continue;
                }

                InsertSpooled(span, SiteId(connection, transaction, span.Process, span.ProcessGroup, service), instanceId);
                accepted++;
            }

            if (batchId is not null)
            {
                using SqliteCommand command = connection.CreateCommand();
                command.Transaction = transaction;
                command.CommandText = "INSERT INTO ingest_batch (batch_id, committed, spans) VALUES ($id, $now, $spans);";
                command.Parameters.AddWithValue("$id", batchId);
                command.Parameters.AddWithValue("$now", SpanText.Timestamp(NowUnixMicroseconds()));
                command.Parameters.AddWithValue("$spans", spans.Count);
                command.ExecuteNonQuery();
            }

            transaction.Commit();
            result = new IngestResult(accepted, spans.Count - accepted);
        }
        catch
        {
            Abandon();
            throw;
        }

        // After the try: nothing that runs after the commit may make a committed batch look failed (and be sent again).
        _checkpointer?.Committed(result.Accepted);
        return result;
    }

    /// <inheritdoc />
    public long? ReadCheckpoint(string fileId)
    {
        SqliteConnection connection = EnsureOpen();
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "SELECT offset FROM spool_cursor WHERE file_id = $id;";
        command.Parameters.AddWithValue("$id", fileId);
        return command.ExecuteScalar() is long offset ? offset : null;
    }

    /// <inheritdoc />
    public int Purge(long cutoffUnixMicroseconds, int limit)
    {
        SqliteConnection connection = EnsureOpen();
        string cutoff = SpanText.Timestamp(cutoffUnixMicroseconds);
        using SqliteCommand command = connection.CreateCommand();
        // Rowids follow insertion order and the ts index finds the oldest quickly: a small, bounded delete. Spans an
        // exporter has not sent yet (above its cursor) are not expired: the store is their outbox.
        command.CommandText = "DELETE FROM span WHERE id IN (SELECT id FROM span WHERE ts < $cutoff AND id <= $sent ORDER BY ts LIMIT $limit);";
        command.Parameters.AddWithValue("$cutoff", cutoff);
        command.Parameters.AddWithValue("$limit", limit);
        command.Parameters.AddWithValue("$sent", LowestExportCursor(connection));
        int deleted = command.ExecuteNonQuery();
        if (deleted < limit)
        {
            // The end of a purge round: batch ids as old as the spans they stored are forgotten with them.
            command.CommandText = "DELETE FROM ingest_batch WHERE committed < $cutoff;";
            command.ExecuteNonQuery();
        }

        return deleted;
    }

    /// <summary>The lowest acknowledged row id of <see cref="ExportCursors"/> (0 for one that never sent); no limit without exporters.</summary>
    private long LowestExportCursor(SqliteConnection connection)
    {
        long lowest = long.MaxValue;
        foreach (string name in ExportCursors)
        {
            using SqliteCommand command = connection.CreateCommand();
            command.CommandText = "SELECT last_rowid FROM export_cursor WHERE name = $name;";
            command.Parameters.AddWithValue("$name", name);
            lowest = Math.Min(lowest, command.ExecuteScalar() is long last ? last : 0);
        }

        return lowest;
    }

    /// <inheritdoc />
    public void Dispose() => Close();

    private SqliteConnection EnsureOpen()
    {
        if (_connection is not null)
        {
            return _connection;
        }

        string? directory = Path.GetDirectoryName(Path.GetFullPath(_path));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        // A new connection may see another file than the last one (deleted and recreated): no cached id survives.
        ClearCaches();
        SqliteConnection connection = StoreConnection.Open(_path, SpanIds);
        try
        {
            Check(connection, raw.sqlite3_prepare_v2(connection.Handle, InsertSpanSql, out sqlite3_stmt insert));
            _insertSpan = insert;
            Check(connection, raw.sqlite3_prepare_v2(connection.Handle, SpanExistsSql, out sqlite3_stmt exists));
            _spanExists = exists;
            // Off the writer's thread from here on: SQLite would otherwise copy the log into the file inside a commit.
            _checkpointer = WalCheckpointer.Start(connection, _path);
        }
        catch
        {
            _insertSpan?.Dispose();
            _insertSpan = null;
            _spanExists?.Dispose();
            _spanExists = null;
            connection.Dispose();
            throw;
        }

        _connection = connection;
        return connection;
    }

    private long SiteId(SqliteConnection connection, SqliteTransaction transaction, Runtime.MonitorSite site)
    {
        if (_siteIds.TryGetValue(site, out long id))
        {
            return id;
        }

        id = SiteId(connection, transaction, site.Process, site.ProcessGroup, _service);
        if (site.SourceFile is not null || site.Signature is not null)
        {
            // The first record of a site may have come through the spool or the ingest, without its source.
            using SqliteCommand command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = """
                UPDATE site SET source_file = $file, source_line = $line, signature = $signature
                WHERE id = $id AND (source_file IS NOT $file OR source_line IS NOT $line OR signature IS NOT $signature);
                """;
            command.Parameters.AddWithValue("$id", id);
            command.Parameters.AddWithValue("$file", (object?)site.SourceFile ?? DBNull.Value);
            command.Parameters.AddWithValue("$line", site.SourceLine > 0 ? site.SourceLine : DBNull.Value);
            command.Parameters.AddWithValue("$signature", (object?)site.Signature ?? DBNull.Value);
            command.ExecuteNonQuery();
        }

        _siteIds[site] = id;
        return id;
    }

    private long SiteId(SqliteConnection connection, SqliteTransaction transaction, string process, string? group, string? service)
    {
        if (_siteIdsByName.TryGetValue((process, group, service), out long id))
        {
            return id;
        }

        using SqliteCommand command = connection.CreateCommand();
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

        _siteIdsByName[(process, group, service)] = id;
        return id;
    }

    private long InstanceId(SqliteConnection connection, SqliteTransaction transaction, SystemInfo system)
    {
        if (_instanceIds.TryGetValue(system.SystemInstanceId, out long id))
        {
            return id;
        }

        using SqliteCommand command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            INSERT INTO instance (system_name, system_id, system_instance_id, host, pid, started)
            VALUES ($name, $id, $instance, $host, $pid, $started)
            ON CONFLICT (system_instance_id) DO NOTHING;
            SELECT id FROM instance WHERE system_instance_id = $instance;
            """;
        command.Parameters.AddWithValue("$name", system.SystemName);
        command.Parameters.AddWithValue("$id", system.SystemId);
        command.Parameters.AddWithValue("$instance", system.SystemInstanceId);
        command.Parameters.AddWithValue("$host", (object?)system.Host ?? DBNull.Value);
        command.Parameters.AddWithValue("$pid", (object?)system.Pid ?? DBNull.Value);
        command.Parameters.AddWithValue("$started",
            (object?)(system.StartedUnixMicroseconds is long started ? SpanText.Timestamp(started) : null) ?? DBNull.Value);
        id = (long)command.ExecuteScalar()!;
        _instanceIds[system.SystemInstanceId] = id;
        return id;
    }

    private static bool BatchCommitted(SqliteConnection connection, SqliteTransaction transaction, string batchId)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT 1 FROM ingest_batch WHERE batch_id = $id;";
        command.Parameters.AddWithValue("$id", batchId);
        return command.ExecuteScalar() is not null;
    }

    private bool SpanExists(ulong traceHigh, ulong traceLow, ulong spanId)
    {
        sqlite3_stmt statement = _spanExists!;
        Span<byte> text = stackalloc byte[SpanText.TraceIdLength + SpanText.SpanIdLength];
        SpanText.WriteHex(traceHigh, text);
        SpanText.WriteHex(traceLow, text[16..]);
        SpanText.WriteHex(spanId, text[32..]);
        raw.sqlite3_bind_text(statement, 1, text[..32]);
        raw.sqlite3_bind_text(statement, 2, text[32..]);
        int rc = raw.sqlite3_step(statement);
        raw.sqlite3_reset(statement);
        if (rc != raw.SQLITE_ROW && rc != raw.SQLITE_DONE)
        {
            Check(_connection!, rc);
        }

        return rc == raw.SQLITE_ROW;
    }

    private void InsertSpan(in SpanRecord record, long siteId, long? instanceId)
    {
        long duration = record.EndTimestamp != 0 ? Math.Max(1, TimestampClock.ToNanoseconds(record.StartTimestamp, record.EndTimestamp)) : -1;
        InsertRow(TimestampClock.ToUnixMicroseconds(record.StartTimestamp), siteId, instanceId, record.TraceHigh, record.TraceLow, record.SpanId,
            record.ParentSpanId, record.Status, duration, record.ThreadId, _json.Write(record), RecordText.Exception(record.Exception));
    }

    private void InsertSpooled(SpooledSpan span, long siteId, long? instanceId) =>
        InsertRow(span.StartUnixMicroseconds, siteId, instanceId, span.TraceHigh, span.TraceLow, span.SpanId, span.ParentSpanId, span.Status,
            span.DurationNanoseconds, span.ThreadId, span.DataUtf8, span.Exception);

    private void InsertRow(long startUnixMicroseconds, long siteId, long? instanceId, ulong traceHigh, ulong traceLow, ulong spanId,
        ulong parentSpanId, SpanStatus status, long durationNanoseconds, int threadId, ReadOnlySpan<byte> data, string? exception)
    {
        sqlite3_stmt statement = _insertSpan!;
        sqlite3 db = _connection!.Handle!;
        // The text forms the views expose, formatted here (cheaper than SQL functions, and no index expression to
        // match): timestamp, trace id, span id, parent span id.
        Span<byte> text = stackalloc byte[SpanText.TimestampLength + SpanText.TraceIdLength + 2 * SpanText.SpanIdLength];
        Span<byte> ts = text[..26];
        Span<byte> trace = text.Slice(26, 32);
        Span<byte> span = text.Slice(58, 16);
        Span<byte> parent = text.Slice(74, 16);
        SpanText.WriteTimestamp(startUnixMicroseconds, ts);
        SpanText.WriteHex(traceHigh, trace);
        SpanText.WriteHex(traceLow, trace[16..]);
        SpanText.WriteHex(spanId, span);
        raw.sqlite3_bind_text(statement, 1, ts);
        raw.sqlite3_bind_int64(statement, 2, siteId);
        BindOptional(statement, 3, instanceId.HasValue, instanceId.GetValueOrDefault());
        raw.sqlite3_bind_text(statement, 4, trace);
        raw.sqlite3_bind_text(statement, 5, span);
        if (parentSpanId == 0)
        {
            raw.sqlite3_bind_null(statement, 6);
        }
        else
        {
            SpanText.WriteHex(parentSpanId, parent);
            raw.sqlite3_bind_text(statement, 6, parent);
        }

        raw.sqlite3_bind_text(statement, 7, status == SpanStatus.Ok ? "OK"u8 : "ERR"u8);
        BindOptional(statement, 8, durationNanoseconds >= 0, durationNanoseconds);
        raw.sqlite3_bind_int(statement, 9, threadId);
        if (data.IsEmpty)
        {
            raw.sqlite3_bind_null(statement, 10);
        }
        else
        {
            raw.sqlite3_bind_text(statement, 10, data);
        }

        if (exception is null)
        {
            raw.sqlite3_bind_null(statement, 11);
        }
        else
        {
            raw.sqlite3_bind_text16(statement, 11, exception.AsSpan(0, Math.Min(exception.Length, MaxExceptionLength)));
        }

        int rc = raw.sqlite3_step(statement);
        raw.sqlite3_reset(statement);
        if (rc != raw.SQLITE_DONE)
        {
            Check(_connection!, rc);
        }

        GC.KeepAlive(db);
    }

    private static void BindOptional(sqlite3_stmt statement, int index, bool present, long value)
    {
        if (present)
        {
            raw.sqlite3_bind_int64(statement, index, value);
        }
        else
        {
            raw.sqlite3_bind_null(statement, index);
        }
    }

    private static void Check(SqliteConnection connection, int rc)
    {
        if (rc != raw.SQLITE_OK && rc != raw.SQLITE_DONE && rc != raw.SQLITE_ROW)
        {
            SqliteException.ThrowExceptionForRC(rc, connection.Handle);
        }
    }

    private static long NowUnixMicroseconds() => (DateTime.UtcNow - DateTime.UnixEpoch).Ticks / 10;

    // The transaction rolled back: the ids it created are gone, and the connection itself may be broken (file
    // deleted, I/O error), so reopen next time.
    private void Abandon()
    {
        ClearCaches();
        Close();
    }

    private void ClearCaches()
    {
        _siteIds.Clear();
        _siteIdsByName.Clear();
        _instanceIds.Clear();
    }

    private void Close()
    {
        // Before the writer's connection: the last connection to close checkpoints the rest and removes the log.
        _checkpointer?.Dispose();
        _checkpointer = null;
        _insertSpan?.Dispose();
        _insertSpan = null;
        _spanExists?.Dispose();
        _spanExists = null;
        _connection?.Dispose();
        _connection = null;
    }
}
