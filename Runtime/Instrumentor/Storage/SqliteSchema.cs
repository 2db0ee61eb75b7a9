using System;
using Microsoft.Data.Sqlite;

namespace Instrumentor;

/// <summary>
/// The store's schema and its forward migrations, versioned in <c>PRAGMA user_version</c>.
/// </summary>
/// <remarks>
/// Physical layout (ours to change): one row per span in <c>span</c>, in insertion (rowid) order, with integer
/// ids, interned process names in <c>site</c> and the captured values as one JSON text. Random keys stay out
/// of indexes; trace ids start with a timestamp, so their index is append-mostly.
/// Logical schema (the contract of DESIGN.md §5, what users and alert rules query): the views
/// <c>process_trace</c> and <c>data_trace</c>, with text timestamps and lowercase hex ids.
/// </remarks>
internal static class SqliteSchema
{
    /// <summary>The schema version this build writes.</summary>
    internal const int CurrentVersion = 2;

    internal const string Version1 = """
        CREATE TABLE IF NOT EXISTS site (
            id            INTEGER PRIMARY KEY,
            process       TEXT NOT NULL,
            process_group TEXT,
            service       TEXT,
            UNIQUE (process, process_group, service)
        );
        CREATE TABLE IF NOT EXISTS span (
            id             INTEGER PRIMARY KEY,
            ts             INTEGER NOT NULL,   -- start, microseconds since the Unix epoch (UTC)
            site_id        INTEGER NOT NULL REFERENCES site (id),
            trace_hi       INTEGER NOT NULL,
            trace_lo       INTEGER NOT NULL,
            span_id        INTEGER NOT NULL,
            parent_span_id INTEGER,            -- NULL for a root span
            status         INTEGER NOT NULL,   -- 0 OK, 1 ERR
            duration_ns    INTEGER,            -- NULL when not measured (unsampled error)
            thread_id      INTEGER,
            data           TEXT,               -- JSON array of {"n": name, "o": 1 for the result, "v": value}
            exception      TEXT
        );
        CREATE INDEX IF NOT EXISTS span_ts ON span (ts);
        CREATE INDEX IF NOT EXISTS span_site_ts ON span (site_id, ts);
        CREATE INDEX IF NOT EXISTS span_trace ON span (trace_hi, trace_lo);

        CREATE VIEW IF NOT EXISTS span_view AS
        SELECT s.id AS row_id,
               printf('%016x', s.span_id) AS span_id,
               printf('%016x%016x', s.trace_hi, s.trace_lo) AS trace_id,
               CASE WHEN s.parent_span_id IS NULL THEN NULL ELSE printf('%016x', s.parent_span_id) END AS parent_span_id,
               strftime('%Y-%m-%d %H:%M:%S', s.ts / 1000000, 'unixepoch') || printf('.%06d', s.ts % 1000000) AS ts,
               site.process AS process,
               site.process_group AS process_group,
               CASE s.status WHEN 0 THEN 'OK' ELSE 'ERR' END AS status,
               s.duration_ns / 1000000.0 AS duration_ms,
               s.exception AS exception,
               s.thread_id AS thread_id,
               site.service AS service,
               s.data AS data
        FROM span s JOIN site ON site.id = s.site_id;

        CREATE VIEW IF NOT EXISTS process_trace AS
        SELECT span_id, trace_id, parent_span_id, ts, process, process_group, status, duration_ms, exception,
               thread_id, service
        FROM span_view;

        CREATE VIEW IF NOT EXISTS data_trace AS
        SELECT v.span_id AS span_id, v.ts AS ts, v.process AS process,
               json_extract(j.value, '$.n') AS data,
               CASE WHEN json_extract(j.value, '$.o') = 1 THEN 'OUTPUT' ELSE 'INPUT' END AS data_type,
               json_extract(j.value, '$.v') AS data_value,
               v.status AS status, v.exception AS exception
        FROM span_view v, json_each(v.data) j
        WHERE v.data IS NOT NULL;
        """;

    // v2: how far each spool generation was replayed, committed with the replayed rows (exactly-once replay).
    private const string Version2 = """
        CREATE TABLE IF NOT EXISTS spool_cursor (
            file_id TEXT PRIMARY KEY,
            offset  INTEGER NOT NULL
        );
        """;

    /// <summary>Brings the database to <see cref="CurrentVersion"/>; refuses a newer one.</summary>
    /// <exception cref="InvalidOperationException">The file was written by a newer Instrumentor.</exception>
    internal static void Migrate(SqliteConnection connection)
    {
        int version = ReadVersion(connection);
        if (version > CurrentVersion)
        {
            throw new InvalidOperationException(
                $"the trace database has schema version {version}, newer than this Instrumentor understands ({CurrentVersion}); " +
                "upgrade Instrumentor or point INSTRUMENTOR_DB at another file");
        }

        if (version == CurrentVersion)
        {
            return;
        }

        using SqliteTransaction transaction = connection.BeginTransaction();
        if (version < 1)
        {
            Execute(connection, transaction, Version1);
        }

        if (version < 2)
        {
            Execute(connection, transaction, Version2);
        }

        Execute(connection, transaction, $"PRAGMA user_version = {CurrentVersion};");
        transaction.Commit();
    }

    internal static int ReadVersion(SqliteConnection connection)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "PRAGMA user_version;";
        return Convert.ToInt32(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static void Execute(SqliteConnection connection, SqliteTransaction transaction, string sql)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
