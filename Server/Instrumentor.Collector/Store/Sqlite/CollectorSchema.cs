using Microsoft.Data.Sqlite;

namespace Instrumentor.Collector.Store.Sqlite;

/// <summary>
/// What the collector adds to the shared store schema (<see cref="SqliteSchema"/>): the log lines of
/// <c>POST /api/ingest</c> (physical table <c>log</c>, logical view <c>logs</c> with the columns of DESIGN.md §11) and
/// the partial index that finds errors by time. Idempotent: it runs at every open, after the shared migrations.
/// </summary>
internal static class CollectorSchema
{
    internal const string Sql = """
        CREATE TABLE IF NOT EXISTS log (
            id             INTEGER PRIMARY KEY,
            ts             INTEGER NOT NULL,   -- microseconds since the Unix epoch (UTC)
            level          TEXT,
            logger         TEXT,
            message        TEXT,
            trace_hi       INTEGER,
            trace_lo       INTEGER,
            span_id        INTEGER,
            parent_span_id INTEGER,
            exception      TEXT,
            attributes     TEXT,               -- JSON object of the line's other fields
            service        TEXT
        );
        CREATE INDEX IF NOT EXISTS log_ts ON log (ts);
        CREATE INDEX IF NOT EXISTS log_trace ON log (trace_hi, trace_lo);
        CREATE VIEW IF NOT EXISTS logs AS
        SELECT strftime('%Y-%m-%d %H:%M:%S', l.ts / 1000000, 'unixepoch') || printf('.%06d', l.ts % 1000000) AS ts,
               l.level AS level, l.logger AS logger, l.message AS message,
               CASE WHEN l.trace_hi IS NULL THEN NULL ELSE printf('%016x%016x', l.trace_hi, l.trace_lo) END AS trace_id,
               CASE WHEN l.span_id IS NULL THEN NULL ELSE printf('%016x', l.span_id) END AS span_id,
               CASE WHEN l.parent_span_id IS NULL THEN NULL ELSE printf('%016x', l.parent_span_id) END AS parent_span_id,
               l.exception AS exception, l.attributes AS attributes, l.service AS service
        FROM log l;
        -- Errors are few: a partial index finds them by time without touching the rest (status filters, error rates).
        CREATE INDEX IF NOT EXISTS span_err_ts ON span (ts) WHERE status = 1;
        -- Batch ids already committed (idempotent uploads), with the time they arrived for retention.
        CREATE TABLE IF NOT EXISTS collector_batch (
            batch_id TEXT PRIMARY KEY,
            received INTEGER NOT NULL
        );
        """;

    internal static void Apply(SqliteConnection connection)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = Sql;
        command.ExecuteNonQuery();
    }
}
