using System;
using System.Collections.Generic;
using System.IO;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Instrumentor;

/// <summary>
/// The embedded store: one SQLite file in WAL mode, one transaction per batch, the span insert prepared once
/// and bound through the native API so a row costs no allocation beyond its formatted values.
/// </summary>
internal sealed class SqliteSpanSink : ISpanSink
{
    private const string InsertSpanSql = """
        INSERT INTO span (ts, site_id, trace_hi, trace_lo, span_id, parent_span_id, status, duration_ns, thread_id, data, exception)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11);
        """;

    // Exception text (with stack) is capped so one pathological exception cannot bloat every page around it.
    private const int MaxExceptionLength = 32_768;

    private readonly string _path;
    private readonly string? _service;
    private readonly SpanDataJson _json = new();
    // Two caches of one table: by descriptor identity (live records, no hashing of names) and by name (replayed).
    private readonly Dictionary<Runtime.MonitorSite, long> _siteIds = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<(string Process, string? Group), long> _siteIdsByName = new();
    private readonly List<Runtime.MonitorSite> _sitesAddedInBatch = new();
    private readonly List<(string, string?)> _namesAddedInBatch = new();
    private SqliteConnection? _connection;
    private sqlite3_stmt? _insertSpan;

    internal SqliteSpanSink(string path, string? service)
    {
        _path = path;
        _service = service;
    }

    /// <inheritdoc />
    public string Name => _path;

    /// <inheritdoc />
    public void Write(ReadOnlySpan<SpanRecord> batch, SpoolCheckpoint? checkpoint)
    {
        SqliteConnection connection = EnsureOpen();
        _sitesAddedInBatch.Clear();
        _namesAddedInBatch.Clear();
        try
        {
            using SqliteTransaction transaction = connection.BeginTransaction(deferred: false);
            foreach (ref readonly SpanRecord record in batch)
            {
                if (record.Spooled is { } spooled)
                {
                    InsertSpooled(spooled, SiteId(connection, transaction, spooled.Process, spooled.ProcessGroup));
                }
                else
                {
                    InsertSpan(record, SiteId(connection, transaction, record.Site!));
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

            transaction.Commit();
        }
        catch
        {
            // The transaction rolled back: forget the site ids it created, and reopen next time in case the
            // connection itself is broken (file deleted, I/O error).
            foreach (Runtime.MonitorSite site in _sitesAddedInBatch)
            {
                _siteIds.Remove(site);
            }

            foreach ((string, string?) name in _namesAddedInBatch)
            {
                _siteIdsByName.Remove(name);
            }

            Close();
            throw;
        }
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
        using SqliteCommand command = connection.CreateCommand();
        // Rowids follow insertion order and the ts index finds the oldest quickly: a small, bounded delete.
        command.CommandText = "DELETE FROM span WHERE id IN (SELECT id FROM span WHERE ts < $cutoff ORDER BY ts LIMIT $limit);";
        command.Parameters.AddWithValue("$cutoff", cutoffUnixMicroseconds);
        command.Parameters.AddWithValue("$limit", limit);
        return command.ExecuteNonQuery();
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

        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = _path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
        }.ToString());
        try
        {
            connection.Open();
            using (SqliteCommand pragmas = connection.CreateCommand())
            {
                pragmas.CommandText = "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;";
                pragmas.ExecuteNonQuery();
            }

            SqliteSchema.Migrate(connection);
            Check(connection, raw.sqlite3_prepare_v2(connection.Handle, InsertSpanSql, out sqlite3_stmt statement));
            _insertSpan = statement;
        }
        catch
        {
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

        id = SiteId(connection, transaction, site.Process, site.ProcessGroup);
        _siteIds[site] = id;
        _sitesAddedInBatch.Add(site);
        return id;
    }

    private long SiteId(SqliteConnection connection, SqliteTransaction transaction, string process, string? group)
    {
        if (_siteIdsByName.TryGetValue((process, group), out long id))
        {
            return id;
        }

        using SqliteCommand command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            SELECT id FROM site WHERE process = $p AND process_group IS $g AND service IS $s;
            """;
        command.Parameters.AddWithValue("$p", process);
        command.Parameters.AddWithValue("$g", (object?)group ?? DBNull.Value);
        command.Parameters.AddWithValue("$s", (object?)_service ?? DBNull.Value);
        if (command.ExecuteScalar() is long existing)
        {
            id = existing;
        }
        else
        {
            command.CommandText = "INSERT INTO site (process, process_group, service) VALUES ($p, $g, $s) RETURNING id;";
            id = (long)command.ExecuteScalar()!;
        }

        _siteIdsByName[(process, group)] = id;
        _namesAddedInBatch.Add((process, group));
        return id;
    }

    private void InsertSpan(in SpanRecord record, long siteId)
    {
        long duration = record.EndTimestamp != 0 ? Math.Max(1, TimestampClock.ToNanoseconds(record.StartTimestamp, record.EndTimestamp)) : -1;
        InsertRow(TimestampClock.ToUnixMicroseconds(record.StartTimestamp), siteId, record.TraceHigh, record.TraceLow, record.SpanId,
            record.ParentSpanId, record.Status, duration, record.ThreadId, _json.Write(record), RecordText.Exception(record.Exception));
    }

    private void InsertSpooled(SpooledSpan span, long siteId) =>
        InsertRow(span.StartUnixMicroseconds, siteId, span.TraceHigh, span.TraceLow, span.SpanId, span.ParentSpanId, span.Status,
            span.DurationNanoseconds, span.ThreadId, span.DataUtf8, span.Exception);

    private void InsertRow(long startUnixMicroseconds, long siteId, ulong traceHigh, ulong traceLow, ulong spanId, ulong parentSpanId,
        SpanStatus status, long durationNanoseconds, int threadId, ReadOnlySpan<byte> data, string? exception)
    {
        sqlite3_stmt statement = _insertSpan!;
        sqlite3 db = _connection!.Handle!;
        raw.sqlite3_bind_int64(statement, 1, startUnixMicroseconds);
        raw.sqlite3_bind_int64(statement, 2, siteId);
        raw.sqlite3_bind_int64(statement, 3, unchecked((long)traceHigh));
        raw.sqlite3_bind_int64(statement, 4, unchecked((long)traceLow));
        raw.sqlite3_bind_int64(statement, 5, unchecked((long)spanId));
        BindOptional(statement, 6, parentSpanId != 0, unchecked((long)parentSpanId));
        raw.sqlite3_bind_int(statement, 7, (int)status);
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

    private void Close()
    {
        _insertSpan?.Dispose();
        _insertSpan = null;
        _connection?.Dispose();
        _connection = null;
    }
}
