using System;
using System.Collections.Generic;
using System.Text;
using Instrumentor.Collector.Sessions;
using Instrumentor.Sessions;
using Instrumentor.Sessions.Query;
using Instrumentor.Sessions.Storage;
using Npgsql;
using NpgsqlTypes;
using SessionText = Instrumentor.Sessions.Storage.StoreText;

namespace Instrumentor.Collector.Store.Postgres;

/// <summary>
/// The session tables on PostgreSQL (<c>session_traces</c>, <c>session_timesteps</c>, <c>events</c>, <c>messages</c>,
/// <c>experiments</c>, <c>systems</c>, <c>system_versions</c>; made by <see cref="PostgresSchema"/>): the same rows and
/// answers as the SQLite store's, with times as <c>timestamptz</c> and embeddings as <c>bytea</c>. A batch is one
/// transaction sent as one round trip; every insert is idempotent on its id (<c>ON CONFLICT</c>), so a batch sent
/// twice, to this collector or to another one on the same database, stores nothing twice.
/// </summary>
internal sealed class PostgresSessionStore : ISessionBackend
{
    private const string SummaryColumns = """
        s.session_id, s.created_at, s.metadata, s.experiment_id,
        (SELECT count(*) FROM session_timesteps t WHERE t.session_id = s.session_id),
        (SELECT count(*) FROM events e WHERE e.session_id = s.session_id),
        (SELECT count(*) FROM messages m WHERE m.session_id = s.session_id),
        (SELECT coalesce(sum(e.input_tokens), 0)::bigint FROM events e WHERE e.session_id = s.session_id),
        (SELECT coalesce(sum(e.output_tokens), 0)::bigint FROM events e WHERE e.session_id = s.session_id),
        (SELECT coalesce(sum(e.total_tokens), 0)::bigint FROM events e WHERE e.session_id = s.session_id),
        (SELECT coalesce(sum(e.cost_usd), 0)::double precision FROM events e WHERE e.session_id = s.session_id)
        """;

    private const string EventColumns = "id, session_id, timestep_id, event_type, system_instance_id, event_time, model_name, provider, " +
        "input_tokens, output_tokens, total_tokens, cost_usd, latency_ms, trace_id, span_id, metadata, embedding";

    private readonly NpgsqlDataSource _dataSource;

    /// <param name="dataSource">The trace store's connections (not owned).</param>
    public PostgresSessionStore(NpgsqlDataSource dataSource) => _dataSource = dataSource;

    /// <inheritdoc />
    public WriteResult Commit(SessionBatch batch)
    {
        using NpgsqlConnection connection = _dataSource.OpenConnection();
        using NpgsqlTransaction transaction = connection.BeginTransaction();
        using var writes = new NpgsqlBatch(connection, transaction);
        foreach (ExperimentRow r in batch.Experiments)
        {
            Add(writes, """
                INSERT INTO experiments (experiment_id, name, description, configuration, created_at) VALUES ($1, $2, $3, $4, $5)
                ON CONFLICT (experiment_id) DO UPDATE SET name = excluded.name, description = excluded.description, configuration = excluded.configuration;
                """, r.ExperimentId, r.Name, r.Description, r.Configuration, Time(r.CreatedAt));
        }

        foreach (SystemRow r in batch.Systems)
        {
            Add(writes, """
                INSERT INTO systems (system_id, name, system_type, description) VALUES ($1, $2, $3, $4)
                ON CONFLICT (system_id) DO UPDATE SET name = excluded.name, system_type = excluded.system_type, description = excluded.description;
                """, r.SystemId, r.Name, r.SystemType, r.Description);
        }

        foreach (SystemVersionRow r in batch.SystemVersions)
        {
            Add(writes, "INSERT INTO system_versions (version_id, system_id, version, configuration, created_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING;",
                r.VersionId, r.SystemId, r.Version, r.Configuration, Time(r.CreatedAt));
        }

        int firstSession = writes.BatchCommands.Count;
        foreach (SessionRow r in batch.Sessions)
        {
            Add(writes, "INSERT INTO session_traces (session_id, created_at, metadata, experiment_id) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING;",
                r.SessionId, Time(r.CreatedAt), r.Metadata, r.ExperimentId);
        }

        foreach (TimestepRow r in batch.Timesteps)
        {
            // A timestep is sent at its start and again at its end: the second write only completes it.
            Add(writes, """
                INSERT INTO session_timesteps (id, session_id, step_id, step_index, turn_number, started_at, completed_at, metadata)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                ON CONFLICT (id) DO UPDATE SET completed_at = coalesce(excluded.completed_at, session_timesteps.completed_at),
                    metadata = coalesce(excluded.metadata, session_timesteps.metadata);
                """, r.Id, r.SessionId, r.StepId, r.StepIndex, r.TurnNumber, Time(r.StartedAt), r.CompletedAt is null ? null : Time(r.CompletedAt), r.Metadata);
        }

        foreach (EventRow r in batch.Events)
        {
            Add(writes, $"INSERT INTO events ({EventColumns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) ON CONFLICT DO NOTHING;",
                r.Id, r.SessionId, r.TimestepId, r.EventType, r.SystemInstanceId, Time(r.EventTime), r.ModelName, r.Provider,
                r.InputTokens, r.OutputTokens, r.TotalTokens, r.CostUsd, r.LatencyMs, r.TraceId, r.SpanId, r.Metadata, r.Embedding);
        }

        foreach (MessageRow r in batch.Messages)
        {
            Add(writes, """
                INSERT INTO messages (id, session_id, timestep_id, message_type, content, event_time, metadata, embedding)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING;
                """, r.Id, r.SessionId, r.TimestepId, r.MessageType, r.Content, Time(r.EventTime), r.Metadata, r.Embedding);
        }

        foreach (string id in batch.SessionEnds)
        {
            Add(writes, """
                UPDATE session_traces SET
                    num_timesteps = (SELECT count(*) FROM session_timesteps WHERE session_id = $1),
                    num_events = (SELECT count(*) FROM events WHERE session_id = $1),
                    num_messages = (SELECT count(*) FROM messages WHERE session_id = $1)
                WHERE session_id = $1;
                """, id);
        }

        if (writes.BatchCommands.Count > 0)
        {
            writes.ExecuteNonQuery();
        }

        int inserted = 0;
        for (int i = 0; i < batch.Sessions.Count; i++)
        {
            inserted += writes.BatchCommands[firstSession + i].RecordsAffected == 1 ? 1 : 0;
        }

        transaction.Commit();
        return new WriteResult(inserted, batch.Sessions.Count - inserted);
    }

    /// <inheritdoc />
    public SessionPage ListSessions(SessionQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.Limit is < 1 or > SessionQuery.MaxLimit)
        {
            throw new ArgumentException($"limit must be between 1 and {SessionQuery.MaxLimit}", nameof(query));
        }

        using NpgsqlConnection connection = _dataSource.OpenConnection();
        using var command = new NpgsqlCommand { Connection = connection };
        var where = new StringBuilder("WHERE TRUE");
        if (query.From is DateTimeOffset from)
        {
            where.Append(" AND s.created_at >= @from");
            command.Parameters.AddWithValue("from", from.UtcDateTime);
        }

        if (query.To is DateTimeOffset to)
        {
            where.Append(" AND s.created_at < @to");
            command.Parameters.AddWithValue("to", to.UtcDateTime);
        }

        if (query.ExperimentId is not null)
        {
            where.Append(" AND s.experiment_id = @experiment");
            command.Parameters.AddWithValue("experiment", query.ExperimentId);
        }

        if (query.System is not null)
        {
            where.Append(" AND EXISTS (SELECT 1 FROM events e WHERE e.session_id = s.session_id AND e.system_instance_id = @system)");
            command.Parameters.AddWithValue("system", query.System);
        }

        if (query.MinCostUsd is decimal minCost)
        {
            where.Append(" AND (SELECT coalesce(sum(e.cost_usd), 0) FROM events e WHERE e.session_id = s.session_id) > @cost");
            command.Parameters.AddWithValue("cost", (double)minCost);
        }

        if (query.Cursor is not null)
        {
            (string createdAt, string id) = DecodeCursor(query.Cursor);
            where.Append(" AND (s.created_at, s.session_id) < (@cts, @cid)");
            command.Parameters.AddWithValue("cts", Time(createdAt));
            command.Parameters.AddWithValue("cid", id);
        }

        command.CommandText = $"SELECT {SummaryColumns} FROM session_traces s {where} ORDER BY s.created_at DESC, s.session_id DESC LIMIT @limit;";
        command.Parameters.AddWithValue("limit", query.Limit + 1);
        var items = new List<SessionSummary>();
        using (NpgsqlDataReader reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                items.Add(ReadSummary(reader));
            }
        }

        string? next = null;
        if (items.Count > query.Limit)
        {
            items.RemoveAt(items.Count - 1);
            next = EncodeCursor(items[^1].CreatedAt, items[^1].SessionId);
        }

        return new SessionPage(items, next);
    }

    /// <inheritdoc />
    public StoredSession? Read(string sessionId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(sessionId);
        using NpgsqlConnection connection = _dataSource.OpenConnection();
        SessionSummary summary;
        using (var command = new NpgsqlCommand($"SELECT {SummaryColumns} FROM session_traces s WHERE s.session_id = @id;", connection))
        {
            command.Parameters.AddWithValue("id", sessionId);
            using NpgsqlDataReader reader = command.ExecuteReader();
            if (!reader.Read())
            {
                return null;
            }

            summary = ReadSummary(reader);
        }

        var timesteps = new List<TimestepRow>();
        using (var command = new NpgsqlCommand(
            "SELECT id, session_id, step_id, step_index, turn_number, started_at, completed_at, metadata FROM session_timesteps WHERE session_id = @id ORDER BY step_index, started_at;",
            connection))
        {
            command.Parameters.AddWithValue("id", sessionId);
            using NpgsqlDataReader r = command.ExecuteReader();
            while (r.Read())
            {
                timesteps.Add(new TimestepRow(r.GetString(0), r.GetString(1), r.GetString(2), r.GetInt32(3), r.IsDBNull(4) ? null : r.GetInt32(4),
                    Text(r.GetDateTime(5)), r.IsDBNull(6) ? null : Text(r.GetDateTime(6)), Optional(r, 7)));
            }
        }

        var events = new List<EventRow>();
        using (var command = new NpgsqlCommand($"SELECT {EventColumns} FROM events WHERE session_id = @id ORDER BY event_time, id;", connection))
        {
            command.Parameters.AddWithValue("id", sessionId);
            using NpgsqlDataReader r = command.ExecuteReader();
            while (r.Read())
            {
                events.Add(new EventRow(r.GetString(0), r.GetString(1), Optional(r, 2), r.GetString(3), Optional(r, 4), Text(r.GetDateTime(5)),
                    Optional(r, 6), Optional(r, 7), Long(r, 8), Long(r, 9), Long(r, 10), Real(r, 11), Real(r, 12), Optional(r, 13), Optional(r, 14),
                    Optional(r, 15), r.IsDBNull(16) ? null : (byte[])r.GetValue(16)));
            }
        }

        var messages = new List<MessageRow>();
        using (var command = new NpgsqlCommand(
            "SELECT id, session_id, timestep_id, message_type, content, event_time, metadata, embedding FROM messages WHERE session_id = @id ORDER BY event_time, id;",
            connection))
        {
            command.Parameters.AddWithValue("id", sessionId);
            using NpgsqlDataReader r = command.ExecuteReader();
            while (r.Read())
            {
                messages.Add(new MessageRow(r.GetString(0), r.GetString(1), Optional(r, 2), r.GetString(3), r.GetString(4), Text(r.GetDateTime(5)),
                    Optional(r, 6), r.IsDBNull(7) ? null : (byte[])r.GetValue(7)));
            }
        }

        var row = new SessionRow(summary.SessionId, summary.CreatedAt, summary.Metadata, summary.ExperimentId);
        return new StoredSession(summary, row, timesteps, events, messages);
    }

    /// <summary>Nothing to release: the connections belong to the trace store.</summary>
    public void Dispose()
    {
    }

    private static void Add(NpgsqlBatch batch, string sql, params object?[] values)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (object? value in values)
        {
            command.Parameters.Add(value switch
            {
                null => new NpgsqlParameter { Value = DBNull.Value },
                byte[] bytes => new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bytea, Value = bytes },
                _ => new NpgsqlParameter { Value = value },
            });
        }

        batch.BatchCommands.Add(command);
    }

    // The rows carry the store text (UTC 'YYYY-MM-DD HH:MM:SS.ffffff'); the columns are timestamptz.
    private static DateTime Time(string storeText) => SessionText.ParseTimestamp(storeText).UtcDateTime;

    private static string Text(DateTime time) => SessionText.Timestamp(new DateTimeOffset(DateTime.SpecifyKind(time, DateTimeKind.Utc)));

    private static SessionSummary ReadSummary(NpgsqlDataReader r) => new()
    {
        SessionId = r.GetString(0),
        CreatedAt = Text(r.GetDateTime(1)),
        Metadata = Optional(r, 2),
        ExperimentId = Optional(r, 3),
        NumTimesteps = r.GetInt64(4),
        NumEvents = r.GetInt64(5),
        NumMessages = r.GetInt64(6),
        InputTokens = r.GetInt64(7),
        OutputTokens = r.GetInt64(8),
        TotalTokens = r.GetInt64(9),
        CostUsd = Math.Round((decimal)r.GetDouble(10), 10),
    };

    private static string? Optional(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    private static long? Long(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetInt64(i);

    private static double? Real(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetDouble(i);

    // The same cursor form as the SQLite store's: base64url of "created_at|session_id".
    private static string EncodeCursor(string createdAt, string id) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(createdAt + "|" + id)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static (string CreatedAt, string Id) DecodeCursor(string cursor)
    {
        try
        {
            string base64 = cursor.Replace('-', '+').Replace('_', '/');
            base64 = base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '=');
            string text = Encoding.UTF8.GetString(Convert.FromBase64String(base64));
            int bar = text.IndexOf('|', StringComparison.Ordinal);
            if (bar > 0 && bar < text.Length - 1)
            {
                string createdAt = text[..bar];
                Time(createdAt);
                return (createdAt, text[(bar + 1)..]);
            }
        }
        catch (FormatException)
        {
        }

        throw new ArgumentException("the cursor is not one this API returned", nameof(cursor));
    }
}
