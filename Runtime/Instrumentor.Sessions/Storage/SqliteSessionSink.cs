using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Data.Sqlite;

namespace Instrumentor.Sessions.Storage;

/// <summary>
/// Commits session batches into a SQLite file, one short <c>BEGIN IMMEDIATE</c> transaction a batch. Several
/// processes may write the same file: WAL, a busy timeout, and a retry with backoff when the lock stays taken
/// longer than that. Every insert is idempotent on its id, so a batch replayed after an uncertain failure stores
/// nothing twice. Also used by the collector's ingest endpoint.
/// </summary>
internal sealed class SqliteSessionSink : ISessionSink
{
    private const int MaxBusyAttempts = 20;
    private readonly string _path;
    private SqliteConnection? _connection;

    internal SqliteSessionSink(string path) => _path = path;

    /// <summary>How many times a batch met a locked database and was tried again (a busy timeout ran out).</summary>
    internal long BusyRetries;

    public Task<WriteResult> WriteAsync(SessionBatch batch, CancellationToken cancellationToken) =>
        Task.FromResult(Write(batch, cancellationToken));

    internal WriteResult Write(SessionBatch batch, CancellationToken cancellationToken = default)
    {
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                _connection ??= SessionStoreConnection.Open(_path);
                return Apply(_connection, batch);
            }
            catch (SqliteException ex) when (IsBusy(ex) && attempt < MaxBusyAttempts)
            {
                Interlocked.Increment(ref BusyRetries);
                Thread.Sleep(Math.Min(1000, 10 << Math.Min(attempt, 6)) + Random.Shared.Next(10));
                cancellationToken.ThrowIfCancellationRequested();
            }
        }
    }

    private static bool IsBusy(SqliteException ex) => ex.SqliteErrorCode is 5 or 6; // SQLITE_BUSY, SQLITE_LOCKED

    /// <summary>
    /// As <see cref="Write"/>, but a row the store refuses for its content (a constraint, a value too big) does not fail
    /// the batch: it is added to <paramref name="setAside"/> and the rest commits (see <see cref="ApplyGuarded"/>).
    /// </summary>
    internal WriteResult WriteGuarded(SessionBatch batch, List<RejectedRow> setAside, CancellationToken cancellationToken = default)
    {
        for (int attempt = 1; ; attempt++)
        {
            int before = setAside.Count;
            try
            {
                _connection ??= SessionStoreConnection.Open(_path);
                using SqliteTransaction transaction = _connection.BeginTransaction(deferred: false);
                WriteResult result = ApplyGuarded(_connection, transaction, batch, setAside);
                transaction.Commit();
                return result;
            }
            catch (SqliteException ex) when (IsBusy(ex) && attempt < MaxBusyAttempts)
            {
                setAside.RemoveRange(before, setAside.Count - before);
                Interlocked.Increment(ref BusyRetries);
                Thread.Sleep(Math.Min(1000, 10 << Math.Min(attempt, 6)) + Random.Shared.Next(10));
                cancellationToken.ThrowIfCancellationRequested();
            }
            catch
            {
                setAside.RemoveRange(before, setAside.Count - before);
                throw;
            }
        }
    }

    /// <summary>Writes <paramref name="batch"/> in one transaction of <paramref name="connection"/>.</summary>
    internal static WriteResult Apply(SqliteConnection connection, SessionBatch batch)
    {
        using SqliteTransaction transaction = connection.BeginTransaction(deferred: false);
        WriteResult result = ApplyRows(connection, transaction, batch);
        transaction.Commit();
        return result;
    }

    /// <summary>
    /// Writes <paramref name="batch"/> inside <paramref name="transaction"/>, guarded per row: when the batch fails for
    /// its content (<see cref="SinkFailure.IsStoreFailure"/> says the store is fine), it is rolled back to a savepoint
    /// and written again row by row, each behind its own savepoint; a row that still fails goes to
    /// <paramref name="setAside"/>. Only a failure of the store itself throws.
    /// </summary>
    internal static WriteResult ApplyGuarded(SqliteConnection connection, SqliteTransaction transaction, SessionBatch batch, List<RejectedRow> setAside)
    {
        transaction.Save("session_rows");
        try
        {
            WriteResult all = ApplyRows(connection, transaction, batch);
            transaction.Release("session_rows");
            return all;
        }
        catch (Exception ex) when (!SinkFailure.IsStoreFailure(ex))
        {
            transaction.Rollback("session_rows");
            transaction.Release("session_rows");
        }

        int inserted = 0, duplicate = 0;
        foreach (object row in batch.Rows())
        {
            var one = new SessionBatch();
            one.Add(row);
            transaction.Save("session_row");
            try
            {
                WriteResult result = ApplyRows(connection, transaction, one);
                transaction.Release("session_row");
                inserted += result.SessionsInserted;
                duplicate += result.SessionsDuplicate;
            }
            catch (Exception ex) when (!SinkFailure.IsStoreFailure(ex))
            {
                transaction.Rollback("session_row");
                transaction.Release("session_row");
                setAside.Add(new RejectedRow(row, ex));
            }
        }

        return new WriteResult(inserted, duplicate);
    }

    /// <summary>Writes <paramref name="batch"/> inside <paramref name="transaction"/>, all or nothing (an exception leaves a partial write: roll back).</summary>
    internal static WriteResult ApplyRows(SqliteConnection connection, SqliteTransaction transaction, SessionBatch batch)
    {
        int inserted = 0, duplicate = 0;

        if (batch.Experiments.Count > 0)
        {
            using SqliteCommand c = Command(connection, transaction,
                "INSERT INTO experiments (experiment_id, name, description, configuration, created_at) VALUES ($1, $2, $3, $4, $5) " +
                "ON CONFLICT (experiment_id) DO UPDATE SET name = excluded.name, description = excluded.description, configuration = excluded.configuration;", 5);
            foreach (ExperimentRow r in batch.Experiments)
            {
                Run(c, r.ExperimentId, r.Name, r.Description, r.Configuration, r.CreatedAt);
            }
        }

        if (batch.Systems.Count > 0)
        {
            using SqliteCommand c = Command(connection, transaction,
                "INSERT INTO systems (system_id, name, system_type, description) VALUES ($1, $2, $3, $4) " +
                "ON CONFLICT (system_id) DO UPDATE SET name = excluded.name, system_type = excluded.system_type, description = excluded.description;", 4);
            foreach (SystemRow r in batch.Systems)
            {
                Run(c, r.SystemId, r.Name, r.SystemType, r.Description);
            }
        }

        if (batch.SystemVersions.Count > 0)
        {
            using SqliteCommand c = Command(connection, transaction,
                "INSERT OR IGNORE INTO system_versions (version_id, system_id, version, configuration, created_at) VALUES ($1, $2, $3, $4, $5);", 5);
            foreach (SystemVersionRow r in batch.SystemVersions)
            {
                Run(c, r.VersionId, r.SystemId, r.Version, r.Configuration, r.CreatedAt);
            }
        }

        if (batch.Sessions.Count > 0)
        {
            using SqliteCommand c = Command(connection, transaction,
                "INSERT OR IGNORE INTO session_traces (session_id, created_at, metadata, experiment_id) VALUES ($1, $2, $3, $4);", 4);
            foreach (SessionRow r in batch.Sessions)
            {
                if (Run(c, r.SessionId, r.CreatedAt, r.Metadata, r.ExperimentId) == 1)
                {
                    inserted++;
                }
                else
                {
                    duplicate++;
                }
            }
        }

        if (batch.Timesteps.Count > 0)
        {
            // A timestep is queued at its start and again at its end: the second write only completes it.
            using SqliteCommand c = Command(connection, transaction,
                "INSERT INTO session_timesteps (id, session_id, step_id, step_index, turn_number, started_at, completed_at, metadata) " +
                "VALUES ($1, $2, $3, $4, $5, $6, $7, $8) " +
                "ON CONFLICT (id) DO UPDATE SET completed_at = coalesce(excluded.completed_at, completed_at), metadata = coalesce(excluded.metadata, metadata);", 8);
            foreach (TimestepRow r in batch.Timesteps)
            {
                Run(c, r.Id, r.SessionId, r.StepId, r.StepIndex, r.TurnNumber, r.StartedAt, r.CompletedAt, r.Metadata);
            }
        }

        if (batch.Events.Count > 0)
        {
            using SqliteCommand c = Command(connection, transaction,
                "INSERT OR IGNORE INTO events (id, session_id, timestep_id, event_type, system_instance_id, event_time, model_name, provider, " +
                "input_tokens, output_tokens, total_tokens, cost_usd, latency_ms, trace_id, span_id, metadata, embedding) " +
                "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17);", 17);
            foreach (EventRow r in batch.Events)
            {
                Run(c, r.Id, r.SessionId, r.TimestepId, r.EventType, r.SystemInstanceId, r.EventTime, r.ModelName, r.Provider,
                    r.InputTokens, r.OutputTokens, r.TotalTokens, r.CostUsd, r.LatencyMs, r.TraceId, r.SpanId, r.Metadata, r.Embedding);
            }
        }

        if (batch.Messages.Count > 0)
        {
            using SqliteCommand c = Command(connection, transaction,
                "INSERT OR IGNORE INTO messages (id, session_id, timestep_id, message_type, content, event_time, metadata, embedding) " +
                "VALUES ($1, $2, $3, $4, $5, $6, $7, $8);", 8);
            foreach (MessageRow r in batch.Messages)
            {
                Run(c, r.Id, r.SessionId, r.TimestepId, r.MessageType, r.Content, r.EventTime, r.Metadata, r.Embedding);
            }
        }

        if (batch.SessionEnds.Count > 0)
        {
            using SqliteCommand c = Command(connection, transaction, """
                UPDATE session_traces SET
                    num_timesteps = (SELECT count(*) FROM session_timesteps WHERE session_id = $1),
                    num_events = (SELECT count(*) FROM events WHERE session_id = $1),
                    num_messages = (SELECT count(*) FROM messages WHERE session_id = $1)
                WHERE session_id = $1;
                """, 1);
            foreach (string id in batch.SessionEnds)
            {
                Run(c, id);
            }
        }

        return new WriteResult(inserted, duplicate);
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction transaction, string sql, int parameters)
    {
        SqliteCommand command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        for (int i = 1; i <= parameters; i++)
        {
            command.Parameters.Add(new SqliteParameter("$" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), null));
        }

        command.Prepare();
        return command;
    }

    private static int Run(SqliteCommand command, params object?[] values)
    {
        for (int i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i] ?? DBNull.Value;
        }

        return command.ExecuteNonQuery();
    }

    public void Dispose()
    {
        _connection?.Dispose();
        _connection = null;
    }
}
