using System;
using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Instrumentor.Sessions.Storage;

/// <summary>
/// The session tables, in the same SQLite file as spans but versioned on their own: a row
/// <c>('sessions', version)</c> of <c>schema_components</c>, so the span schema (<c>PRAGMA user_version</c>) and
/// this one evolve independently. Taken under the same <c>BEGIN IMMEDIATE</c> write lock as the span migration:
/// two processes opening a new file at once are serialized and the second one finds the tables made.
/// </summary>
/// <remarks>
/// Ids are text, 32 lowercase hex, time-ordered (UUIDv7) so their primary-key indexes grow at the end like a
/// rowid. Indexes serve "sessions by time", "events of a session" and "cost by model".
/// </remarks>
internal static class SessionSchema
{
    internal const string Component = "sessions";

    /// <summary>The version of the session tables this build writes.</summary>
    internal const int CurrentVersion = 1;

    internal const string Components = """
        CREATE TABLE IF NOT EXISTS schema_components (
            component TEXT PRIMARY KEY,
            version   INTEGER NOT NULL
        ) WITHOUT ROWID;
        """;

    internal const string Version1 = """
        CREATE TABLE IF NOT EXISTS experiments (
            experiment_id TEXT PRIMARY KEY,
            name          TEXT NOT NULL,
            description   TEXT,
            configuration TEXT,            -- JSON object
            created_at    TEXT NOT NULL
        );
        CREATE TABLE IF NOT EXISTS systems (
            system_id   TEXT PRIMARY KEY,
            name        TEXT NOT NULL,
            system_type TEXT,
            description TEXT
        );
        CREATE TABLE IF NOT EXISTS system_versions (
            version_id    TEXT PRIMARY KEY,
            system_id     TEXT NOT NULL,
            version       TEXT NOT NULL,
            configuration TEXT,
            created_at    TEXT NOT NULL
        );
        CREATE INDEX IF NOT EXISTS system_versions_system ON system_versions (system_id, created_at);

        CREATE TABLE IF NOT EXISTS session_traces (
            session_id    TEXT PRIMARY KEY,
            created_at    TEXT NOT NULL,   -- UTC 'YYYY-MM-DD HH:MM:SS.ffffff'
            metadata      TEXT,
            experiment_id TEXT,
            num_timesteps INTEGER NOT NULL DEFAULT 0,
            num_events    INTEGER NOT NULL DEFAULT 0,
            num_messages  INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX IF NOT EXISTS session_traces_created ON session_traces (created_at);
        CREATE INDEX IF NOT EXISTS session_traces_experiment ON session_traces (experiment_id, created_at);

        CREATE TABLE IF NOT EXISTS session_timesteps (
            id           TEXT PRIMARY KEY,
            session_id   TEXT NOT NULL,
            step_id      TEXT NOT NULL,
            step_index   INTEGER NOT NULL,
            turn_number  INTEGER,
            started_at   TEXT NOT NULL,
            completed_at TEXT,
            metadata     TEXT
        );
        CREATE INDEX IF NOT EXISTS session_timesteps_session ON session_timesteps (session_id, step_index);

        CREATE TABLE IF NOT EXISTS events (
            id                 TEXT PRIMARY KEY,
            session_id         TEXT NOT NULL,
            timestep_id        TEXT,
            event_type         TEXT NOT NULL,   -- cais | environment | runtime
            system_instance_id TEXT,
            event_time         TEXT NOT NULL,
            model_name         TEXT,
            provider           TEXT,
            input_tokens       INTEGER,
            output_tokens      INTEGER,
            total_tokens       INTEGER,
            cost_usd           REAL,
            latency_ms         REAL,
            trace_id           TEXT,
            span_id            TEXT,
            metadata           TEXT,
            embedding          BLOB             -- float32 little-endian vector
        );
        CREATE INDEX IF NOT EXISTS events_session ON events (session_id, event_time);
        CREATE INDEX IF NOT EXISTS events_model_cost ON events (model_name, event_time, cost_usd) WHERE model_name IS NOT NULL;
        CREATE INDEX IF NOT EXISTS events_trace ON events (trace_id) WHERE trace_id IS NOT NULL;

        CREATE TABLE IF NOT EXISTS messages (
            id           TEXT PRIMARY KEY,
            session_id   TEXT NOT NULL,
            timestep_id  TEXT,
            message_type TEXT NOT NULL,
            content      TEXT NOT NULL,
            event_time   TEXT NOT NULL,
            metadata     TEXT,
            embedding    BLOB
        );
        CREATE INDEX IF NOT EXISTS messages_session ON messages (session_id, event_time);
        """;

    /// <summary>Creates or upgrades the session tables; refuses a newer version.</summary>
    /// <exception cref="InvalidOperationException">The file's session tables were written by a newer Instrumentor.Sessions.</exception>
    internal static void Migrate(SqliteConnection connection)
    {
        using SqliteTransaction transaction = connection.BeginTransaction(deferred: false);
        Migrate(connection, transaction);
        transaction.Commit();
    }

    /// <summary>As <see cref="Migrate(SqliteConnection)"/>, inside <paramref name="transaction"/> (the span writer's, when it writes session rows).</summary>
    internal static void Migrate(SqliteConnection connection, SqliteTransaction transaction)
    {
        Execute(connection, transaction, Components);
        int version = ReadVersion(connection, transaction);
        if (version > CurrentVersion)
        {
            throw new InvalidOperationException(
                $"the trace database's session tables have version {version}, newer than this Instrumentor.Sessions understands ({CurrentVersion}); upgrade the package");
        }

        if (version < 1)
        {
            Execute(connection, transaction, Version1);
        }

        if (version < CurrentVersion)
        {
            using SqliteCommand set = connection.CreateCommand();
            set.Transaction = transaction;
            set.CommandText = "INSERT INTO schema_components (component, version) VALUES ($c, $v) ON CONFLICT (component) DO UPDATE SET version = excluded.version;";
            set.Parameters.AddWithValue("$c", Component);
            set.Parameters.AddWithValue("$v", CurrentVersion);
            set.ExecuteNonQuery();
        }
    }

    internal static int ReadVersion(SqliteConnection connection, SqliteTransaction? transaction = null)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT version FROM schema_components WHERE component = $c;";
        command.Parameters.AddWithValue("$c", Component);
        object? value = command.ExecuteScalar();
        return value is null ? 0 : Convert.ToInt32(value, CultureInfo.InvariantCulture);
    }

    private static void Execute(SqliteConnection connection, SqliteTransaction transaction, string sql)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
