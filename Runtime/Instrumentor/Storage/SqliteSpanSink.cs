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
    private readonly Dictionary<Runtime.MonitorSite, long> _siteIds = new(ReferenceEqualityComparer.Instance);
    private readonly List<Runtime.MonitorSite> _sitesAddedInBatch = new();
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
    public void Write(ReadOnlySpan<SpanRecord> batch)
    {
        SqliteConnection connection = EnsureOpen();
        _sitesAddedInBatch.Clear();
        try
        {
            using SqliteTransaction transaction = connection.BeginTransaction(deferred: false);
            foreach (ref readonly SpanRecord record in batch)
            {
                InsertSpan(record, SiteId(connection, transaction, record.Site!));
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

            Close();
            throw;
        }
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

        using SqliteCommand command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            SELECT id FROM site WHERE process = $p AND process_group IS $g AND service IS $s;
            """;
        command.Parameters.AddWithValue("$p", site.Process);
        command.Parameters.AddWithValue("$g", (object?)site.ProcessGroup ?? DBNull.Value);
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

        _siteIds[site] = id;
        _sitesAddedInBatch.Add(site);
        return id;
    }

    private void InsertSpan(in SpanRecord record, long siteId)
    {
        sqlite3_stmt statement = _insertSpan!;
        sqlite3 db = _connection!.Handle!;
        raw.sqlite3_bind_int64(statement, 1, TimestampClock.ToUnixMicroseconds(record.StartTimestamp));
        raw.sqlite3_bind_int64(statement, 2, siteId);
        raw.sqlite3_bind_int64(statement, 3, unchecked((long)record.TraceHigh));
        raw.sqlite3_bind_int64(statement, 4, unchecked((long)record.TraceLow));
        raw.sqlite3_bind_int64(statement, 5, unchecked((long)record.SpanId));
        BindOptional(statement, 6, record.ParentSpanId != 0, unchecked((long)record.ParentSpanId));
        raw.sqlite3_bind_int(statement, 7, (int)record.Status);
        BindOptional(statement, 8, record.EndTimestamp != 0,
            Math.Max(1, TimestampClock.ToNanoseconds(record.StartTimestamp, record.EndTimestamp)));
        raw.sqlite3_bind_int(statement, 9, record.ThreadId);

        ReadOnlySpan<byte> data = _json.Write(record);
        if (data.IsEmpty)
        {
            raw.sqlite3_bind_null(statement, 10);
        }
        else
        {
            raw.sqlite3_bind_text(statement, 10, data);
        }

        if (record.Exception is null)
        {
            raw.sqlite3_bind_null(statement, 11);
        }
        else
        {
            string text = record.Exception.ToString();
            raw.sqlite3_bind_text16(statement, 11, text.AsSpan(0, Math.Min(text.Length, MaxExceptionLength)));
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
