using System;
using Microsoft.Data.Sqlite;

namespace Instrumentor;

/// <summary>
/// The store's schema and its forward migrations, versioned in <c>PRAGMA user_version</c>.
/// </summary>
/// <remarks>
/// Physical layout (ours to change): one row per span in <c>span</c>, in insertion (rowid) order, interned
/// process names in <c>site</c>, interned system instances in <c>instance</c>, the captured values as one JSON
/// text. Since v3 the timestamp and the ids are stored in their text form, so the views expose plain columns and
/// SQL written against the views uses the indexes. Random keys never lead an index: trace ids start with a
/// timestamp, and span ids are indexed either as they are (<c>span_span</c>: the runtime's own ids ascend on each
/// thread) or behind a chunk of the rowid (<c>span_chunk_span</c>: ids from any tracer; see <see cref="SpanIdIndexing"/>).
/// Logical schema (the contract, what users and alert rules query): the views <c>process_trace</c>,
/// <c>data_trace</c>, <c>instances</c> and (since v6) <c>logs</c>, with text timestamps and lowercase hex ids.
/// </remarks>
internal static class SqliteSchema
{
    /// <summary>The schema version this build writes.</summary>
    internal const int CurrentVersion = 6;

    /// <summary>
    /// In a store with <see cref="SpanIdIndexing.Chunked"/> span ids are indexed as <c>(id &gt;&gt; SpanChunkShift,
    /// span_id)</c>: inserts land in the newest chunk of 2^14 rows (a few dozen leaf pages) instead of anywhere in a
    /// random-key B-tree, and a lookup by span id alone is a skip-scan, one seek per chunk
    /// (<see cref="SeedSpanIdStatistics"/> tells the planner so).
    /// </summary>
    internal const int SpanChunkShift = 14;

    // The original v1 layout, kept verbatim: migrations start from it and tests create v1 files with it.
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
    internal const string Version2 = """
        CREATE TABLE IF NOT EXISTS spool_cursor (
            file_id TEXT PRIMARY KEY,
            offset  INTEGER NOT NULL
        );
        """;

    // v3: text timestamps and hex ids stored as such (views of plain columns, so the planner uses the indexes),
    // several services and system instances per store, source locations per site, ingest batch ids.
    // The span table is rebuilt, converting its rows with the expressions the v1 views used.
    internal const string Version3 = """
        DROP VIEW IF EXISTS data_trace;
        DROP VIEW IF EXISTS process_trace;
        DROP VIEW IF EXISTS span_view;

        ALTER TABLE site ADD COLUMN source_file TEXT;
        ALTER TABLE site ADD COLUMN source_line INTEGER;
        ALTER TABLE site ADD COLUMN signature TEXT;

        CREATE TABLE instance (
            id                 INTEGER PRIMARY KEY,
            system_name        TEXT,
            system_id          TEXT,
            system_instance_id TEXT NOT NULL UNIQUE,
            host               TEXT,
            pid                INTEGER,
            started            TEXT                -- UTC text, like span.ts
        );

        -- Batch ids already committed by the ingest API: the same batch again stores nothing.
        CREATE TABLE ingest_batch (
            batch_id  TEXT PRIMARY KEY,
            committed TEXT NOT NULL,
            spans     INTEGER NOT NULL
        ) WITHOUT ROWID;

        CREATE TABLE span_v3 (
            id             INTEGER PRIMARY KEY,
            ts             TEXT NOT NULL,      -- start, UTC 'YYYY-MM-DD HH:MM:SS.ffffff'
            site_id        INTEGER NOT NULL REFERENCES site (id),
            instance_id    INTEGER REFERENCES instance (id),
            trace_id       TEXT NOT NULL,      -- 32 lowercase hex
            span_id        TEXT NOT NULL,      -- 16 lowercase hex
            parent_span_id TEXT,               -- NULL for a root span
            status         TEXT NOT NULL,      -- 'OK' or 'ERR'
            duration_ns    INTEGER,            -- NULL when not measured (unsampled error)
            thread_id      INTEGER,
            data           TEXT,               -- JSON array of {"n": name, "o": 1 for the result, "v": value}
            exception      TEXT
        );
        INSERT INTO span_v3 (id, ts, site_id, instance_id, trace_id, span_id, parent_span_id, status, duration_ns, thread_id, data, exception)
        SELECT id,
               strftime('%Y-%m-%d %H:%M:%S', ts / 1000000, 'unixepoch') || printf('.%06d', ts % 1000000),
               site_id, NULL,
               printf('%016x%016x', trace_hi, trace_lo),
               printf('%016x', span_id),
               CASE WHEN parent_span_id IS NULL THEN NULL ELSE printf('%016x', parent_span_id) END,
               CASE status WHEN 0 THEN 'OK' ELSE 'ERR' END, duration_ns, thread_id, data, exception
        FROM span ORDER BY id;
        DROP TABLE span;
        ALTER TABLE span_v3 RENAME TO span;

        CREATE INDEX span_ts ON span (ts);
        CREATE INDEX span_errors ON span (ts) WHERE status = 'ERR';
        CREATE INDEX span_site_ts ON span (site_id, ts);
        CREATE INDEX span_trace ON span (trace_id, span_id);
        -- The span id index is chosen by the opener's role after the migrations (SqliteSchema.EnsureSpanIdIndex).
        """;

    /// <summary>
    /// v4: each exporter's durable cursor (<c>Export/StoreOutbox</c>): the highest <c>span.id</c> its endpoint
    /// acknowledged. The store is the exporters' outbox; a span above an exporter's cursor is still to be sent.
    /// </summary>
    internal const string Version4 = """
        CREATE TABLE IF NOT EXISTS export_cursor (
            name       TEXT PRIMARY KEY,
            last_rowid INTEGER NOT NULL
        ) WITHOUT ROWID;
        """;

    /// <summary>
    /// v5: no change. The number was reserved for a span index redesign that was developed in parallel with the log
    /// table and has not shipped; v6 took the next number rather than renumber stores already written. A v4 store
    /// goes straight to v6.
    /// </summary>
    internal const string Version5 = "";

    /// <summary>
    /// v6: log lines (<c>Instrumentor.Logging</c>'s local store output and the collector's <c>POST /api/ingest</c>),
    /// physical table <c>log</c> behind the logical view <c>logs</c>. Times and ids in their text form, like
    /// <c>span</c>, so SQL on the view uses the indexes; <c>log_batch</c> holds the batch ids already stored, so a
    /// batch replayed after a lost answer stores nothing twice. Written with IF NOT EXISTS: stores the collector
    /// created before v6 already have the same table and view.
    /// </summary>
    internal const string Version6 = """
        CREATE TABLE IF NOT EXISTS log (
            id             INTEGER PRIMARY KEY,
            ts             TEXT NOT NULL,      -- UTC 'YYYY-MM-DD HH:MM:SS.ffffff', like span.ts
            level          TEXT,
            logger         TEXT,
            message        TEXT,
            trace_id       TEXT,               -- 32 lowercase hex
            span_id        TEXT,               -- 16 lowercase hex
            parent_span_id TEXT,
            exception      TEXT,               -- JSON object {type, message, stack, inner} or text
            attributes     TEXT,               -- JSON object of the line's other fields
            service        TEXT
        );
        CREATE INDEX IF NOT EXISTS log_ts ON log (ts);
        CREATE INDEX IF NOT EXISTS log_trace ON log (trace_id, span_id);
        CREATE VIEW IF NOT EXISTS logs AS
        SELECT ts, level, logger, message, trace_id, span_id, parent_span_id, exception, attributes, service FROM log;

        CREATE TABLE IF NOT EXISTS log_batch (
            batch_id  TEXT PRIMARY KEY,
            committed TEXT NOT NULL,
            lines     INTEGER NOT NULL
        ) WITHOUT ROWID;
        """;

    // The views of the current version, dropped and created again by every migration that changes them. LEFT
    // JOINs keep the span table the outer loop for time-range queries (the alert rule uses span_ts rather than
    // one index range per site); a filter on a site column turns them back into inner joins.
    private const string Views = """
        DROP VIEW IF EXISTS data_trace;
        DROP VIEW IF EXISTS process_trace;
        DROP VIEW IF EXISTS instances;
        DROP VIEW IF EXISTS span_view;

        -- Everything about a span, for the collector's API: row_id is the keyset tie-breaker after ts.
        CREATE VIEW span_view AS
        SELECT s.id AS row_id, s.span_id AS span_id, s.trace_id AS trace_id, s.parent_span_id AS parent_span_id,
               s.ts AS ts, site.process AS process, site.process_group AS process_group,
               s.status AS status,
               s.duration_ns / 1000000.0 AS duration_ms, s.exception AS exception, s.thread_id AS thread_id,
               site.service AS service, i.system_name AS system_name, i.system_id AS system_id,
               i.system_instance_id AS system_instance_id, s.data AS data,
               site.source_file AS source_file, site.source_line AS source_line, site.signature AS signature
        FROM span s
        LEFT JOIN site ON site.id = s.site_id
        LEFT JOIN instance i ON i.id = s.instance_id;

        CREATE VIEW process_trace AS
        SELECT s.span_id AS span_id, s.trace_id AS trace_id, s.parent_span_id AS parent_span_id, s.ts AS ts,
               site.process AS process, site.process_group AS process_group,
               s.status AS status,
               s.duration_ns / 1000000.0 AS duration_ms, s.exception AS exception, s.thread_id AS thread_id,
               site.service AS service, i.system_instance_id AS system_instance_id
        FROM span s
        LEFT JOIN site ON site.id = s.site_id
        LEFT JOIN instance i ON i.id = s.instance_id;

        CREATE VIEW data_trace AS
        SELECT s.span_id AS span_id, s.ts AS ts, site.process AS process,
               json_extract(j.value, '$.n') AS data,
               CASE WHEN json_extract(j.value, '$.o') = 1 THEN 'OUTPUT' ELSE 'INPUT' END AS data_type,
               json_extract(j.value, '$.v') AS data_value,
               s.status AS status, s.exception AS exception
        FROM span s
        LEFT JOIN site ON site.id = s.site_id, json_each(s.data) j
        WHERE s.data IS NOT NULL;

        CREATE VIEW instances AS
        SELECT system_name, system_id, system_instance_id, host, pid, started FROM instance;
        """;

    /// <summary>
    /// Indexes that only make queries faster, created on every open when missing and without a version bump: a store
    /// with them stays readable and writable by a runtime that does not know them (SQLite maintains every index on
    /// insert), and a collector archive keeps the version it was written with. <c>span_site_errors</c>: the errors of
    /// one process, newest first (the dashboard's process + status filter), without walking that process's OK spans;
    /// partial, so it costs ingest only for ERR rows.
    /// </summary>
    internal const string AdditiveIndexes = """
        CREATE INDEX IF NOT EXISTS span_site_errors ON span (site_id, ts) WHERE status = 'ERR';
        """;

    /// <summary>Brings the database to <see cref="CurrentVersion"/>; refuses a newer one.</summary>
    /// <remarks>
    /// The write lock (<c>BEGIN IMMEDIATE</c>) is taken <em>before</em> <c>user_version</c> is read: two processes
    /// opening a new file at once are serialized, the second sees the first one's version and does nothing, so a
    /// migration can alter tables and redefine views without racing another one.
    /// </remarks>
    /// <exception cref="InvalidOperationException">The file was written by a newer Instrumentor.</exception>
    /// <param name="connection">An open connection to the store.</param>
    /// <param name="spanIds">Which span id index the opener wants (<see cref="SpanIdIndexing"/>).</param>
    internal static void Migrate(SqliteConnection connection, SpanIdIndexing spanIds)
    {
        using SqliteTransaction transaction = connection.BeginTransaction(deferred: false);
        int version = ReadVersion(connection, transaction);
        if (version > CurrentVersion)
        {
            throw new InvalidOperationException(
                $"the trace database has schema version {version}, newer than this Instrumentor understands ({CurrentVersion}); " +
                "upgrade Instrumentor or point INSTRUMENTOR_DB at another file");
        }

        if (version < 1)
        {
            Execute(connection, transaction, Version1);
        }

        if (version < 2)
        {
            Execute(connection, transaction, Version2);
        }

        if (version < 3)
        {
            Execute(connection, transaction, Version3);
            Execute(connection, transaction, Views);
        }

        if (version < 4)
        {
            Execute(connection, transaction, Version4);
        }

        if (version < 5 && Version5.Length > 0)
        {
            Execute(connection, transaction, Version5);
        }

        if (version < 6)
        {
            Execute(connection, transaction, Version6);
        }

        if (version < CurrentVersion)
        {
            Execute(connection, transaction, $"PRAGMA user_version = {CurrentVersion};");
        }

        Execute(connection, transaction, AdditiveIndexes);
        EnsureSpanIdIndex(connection, transaction, spanIds);
        transaction.Commit();
    }

    /// <summary>
    /// Gives the span table the span id index its writer wants, without a version bump: which one a file has changes
    /// no column or view, and SQL on the views finds whichever exists (<c>span_id = ?</c> is a SEARCH of either).
    /// A <see cref="SpanIdIndexing.Sequential"/> opener (the runtime's span writer: its ids ascend on each thread)
    /// replaces the chunk index of an older file with the plain one, once, inside this locked transaction: the build
    /// sorts every span once, and the application's writer spools meanwhile. A <see cref="SpanIdIndexing.Chunked"/>
    /// opener (the collector, which also stores random ids from other tracers) keeps a file's plain index if it has
    /// one, so a store the two take turns on is not rebuilt back and forth; so does every other opener.
    /// </summary>
    private static void EnsureSpanIdIndex(SqliteConnection connection, SqliteTransaction transaction, SpanIdIndexing spanIds)
    {
        bool plain = spanIds == SpanIdIndexing.Sequential
            || IndexExists(connection, transaction, "span_span")
            || (spanIds == SpanIdIndexing.AsFound && !IndexExists(connection, transaction, "span_chunk_span"));
        if (!plain)
        {
            Execute(connection, transaction, "CREATE INDEX IF NOT EXISTS span_chunk_span ON span (id >> 14, span_id);  -- 14 = SpanChunkShift");
            // Rewritten unless it still says many rows a chunk: an ANALYZE run on a small file (few rows per chunk)
            // would otherwise leave span id lookups scanning as the file grows.
            SeedSpanIdStatistics(connection, transaction, "span_chunk_span", $"{1 << SpanChunkShift} 1", static stat =>
                stat?.Split(' ') is [_, string perChunk, ..]
                && long.TryParse(perChunk, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long rows)
                && rows >= 1 << SpanChunkShift);
            return;
        }

        Execute(connection, transaction, "CREATE INDEX IF NOT EXISTS span_span ON span (span_id);");
        if (spanIds == SpanIdIndexing.Sequential)
        {
            Execute(connection, transaction, "DROP INDEX IF EXISTS span_chunk_span;");
        }

        // The plain index needs no statistics to be used (span_id = ? on an indexed column is a SEARCH), but the
        // planner reads the span table's size from its index rows: a chunked file always had one, so a plain one gets
        // one too ("rows 1": a span id names about one span), and joins are planned alike. One already there (an
        // ANALYZE of the user's) is kept.
        SeedSpanIdStatistics(connection, transaction, "span_span", "1", static stat => stat is not null);
    }

    /// <summary>
    /// Writes the <c>sqlite_stat1</c> row of the span id index <paramref name="index"/>: the span table's size (at least
    /// 2^20 rows, so a new file is planned as a large one) then <paramref name="rowsPerKey"/>, unless
    /// <paramref name="isCurrent"/> accepts the row that is there. Only this index's row is written; the statistics of
    /// the others stay whatever ANALYZE measured, or absent. Without the chunked index's row SQLite assumes few rows per
    /// chunk and scans the table for a lookup by span id instead of a skip-scan (<c>SEARCH ... (ANY(...) AND span_id=?)</c>).
    /// </summary>
    private static void SeedSpanIdStatistics(
        SqliteConnection connection, SqliteTransaction transaction, string index, string rowsPerKey, Func<string?, bool> isCurrent)
    {
        EnsureStatisticsTable(connection, transaction);
        using SqliteCommand command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT stat FROM sqlite_stat1 WHERE tbl = 'span' AND idx = $index;";
        command.Parameters.AddWithValue("$index", index);
        if (isCurrent(command.ExecuteScalar() as string))
        {
            return;
        }

        command.CommandText = "SELECT coalesce(max(id), 0) FROM span;";
        long rows = Math.Max((long)command.ExecuteScalar()!, 1L << 20);
        command.CommandText = """
            DELETE FROM sqlite_stat1 WHERE tbl = 'span' AND idx = $index;
            INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES ('span', $index, $stat);
            ANALYZE sqlite_schema;
            """;
        command.Parameters.AddWithValue("$stat", string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{rows} {rowsPerKey}"));
        command.ExecuteNonQuery();
    }

    private static void EnsureStatisticsTable(SqliteConnection connection, SqliteTransaction transaction)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1';";
        if ((long)command.ExecuteScalar()! == 0)
        {
            // ANALYZE creates the statistics table; the site table is small, so this is quick.
            Execute(connection, transaction, "ANALYZE site;");
        }
    }

    private static bool IndexExists(SqliteConnection connection, SqliteTransaction transaction, string name)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = $name;";
        command.Parameters.AddWithValue("$name", name);
        return (long)command.ExecuteScalar()! > 0;
    }

    internal static int ReadVersion(SqliteConnection connection, SqliteTransaction? transaction = null)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.Transaction = transaction;
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
