using Microsoft.Data.Sqlite;

namespace Instrumentor.Collector.Store.Sqlite;

/// <summary>
/// What the collector adds to the shared store schema (<see cref="SqliteSchema"/>): the log lines of
/// <c>POST /api/ingest</c>, physical table <c>log</c> behind the logical view <c>logs</c> with the columns of
/// DESIGN.md §11. Like <c>span</c> since schema v3, times and ids are stored in their text form, so SQL on the view
/// uses the indexes. Idempotent: it runs at every open, after the shared migrations. (When the runtime's logger
/// writes logs into the local store too, this moves into the shared schema as its next version.)
/// </summary>
internal static class CollectorSchema
{
    internal const string Sql = """
        CREATE TABLE IF NOT EXISTS log (
            id             INTEGER PRIMARY KEY,
            ts             TEXT NOT NULL,      -- UTC 'YYYY-MM-DD HH:MM:SS.ffffff', like span.ts
            level          TEXT,
            logger         TEXT,
            message        TEXT,
            trace_id       TEXT,               -- 32 lowercase hex
            span_id        TEXT,               -- 16 lowercase hex
            parent_span_id TEXT,
            exception      TEXT,
            attributes     TEXT,               -- JSON object of the line's other fields
            service        TEXT
        );
        CREATE INDEX IF NOT EXISTS log_ts ON log (ts);
        CREATE INDEX IF NOT EXISTS log_trace ON log (trace_id, span_id);
        CREATE VIEW IF NOT EXISTS logs AS
        SELECT ts, level, logger, message, trace_id, span_id, parent_span_id, exception, attributes, service FROM log;
        """;

    internal static void Apply(SqliteConnection connection)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = Sql;
        command.ExecuteNonQuery();
    }
}
