using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using Instrumentor.Sessions.Json;
using Instrumentor.Sessions.Query;
using Instrumentor.Sessions.Storage;
using Microsoft.Data.Sqlite;

namespace Instrumentor.Sessions;

/// <summary>
/// Reads sessions back from a store file: pages of sessions with their token and cost totals, one session with its
/// timesteps, events and messages, cost by model, and nearest embeddings. The connection has the SQL function
/// <c>cosine_similarity(a, b)</c> over float32 blobs for queries of your own (<see cref="Connection"/>).
/// </summary>
public sealed class SessionStore : IDisposable
{
    private const string SummaryColumns = """
        s.session_id, s.created_at, s.metadata, s.experiment_id,
        (SELECT count(*) FROM session_timesteps t WHERE t.session_id = s.session_id),
        (SELECT count(*) FROM events e WHERE e.session_id = s.session_id),
        (SELECT count(*) FROM messages m WHERE m.session_id = s.session_id),
        (SELECT coalesce(sum(e.input_tokens), 0) FROM events e WHERE e.session_id = s.session_id),
        (SELECT coalesce(sum(e.output_tokens), 0) FROM events e WHERE e.session_id = s.session_id),
        (SELECT coalesce(sum(e.total_tokens), 0) FROM events e WHERE e.session_id = s.session_id),
        (SELECT total(e.cost_usd) FROM events e WHERE e.session_id = s.session_id)
        """;

    private const string EventColumns = "id, session_id, timestep_id, event_type, system_instance_id, event_time, model_name, provider, " +
        "input_tokens, output_tokens, total_tokens, cost_usd, latency_ms, trace_id, span_id, metadata, embedding";

    private SessionStore(SqliteConnection connection)
    {
        Connection = connection;
        Connection.CreateFunction("cosine_similarity", static (byte[]? a, byte[]? b) => Embedding.Cosine(a, b), isDeterministic: true);
    }

    /// <summary>The open connection, for SQL of your own over the session tables.</summary>
    public SqliteConnection Connection { get; }

    /// <summary>Opens the store at <paramref name="path"/> (created, and its tables made, when missing).</summary>
    public static SessionStore Open(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return new SessionStore(SessionStoreConnection.Open(path));
    }

    /// <summary>
    /// Opens the store at <paramref name="path"/> read-only (<c>Mode=ReadOnly</c>, <c>PRAGMA query_only</c>): nothing
    /// is created or migrated, so an archive stays byte for byte what was written. A store without session tables
    /// reads as empty.
    /// </summary>
    /// <exception cref="SqliteException">The file is missing or is not an SQLite database.</exception>
    public static SessionStore OpenReadOnly(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = System.IO.Path.GetFullPath(path),
            Mode = SqliteOpenMode.ReadOnly,
            Pooling = false,
        }.ToString());
        try
        {
            connection.Open();
            using SqliteCommand command = connection.CreateCommand();
            command.CommandText = "PRAGMA query_only = ON; SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'session_traces';";
            bool hasTables = (long)command.ExecuteScalar()! > 0;
            return new SessionStore(connection) { _empty = !hasTables };
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    // A read-only store without session tables (an archive of a store that never had sessions): every read is empty.
    private bool _empty;

    /// <summary>A page of sessions, newest first, with their totals.</summary>
    /// <exception cref="ArgumentException">A bad limit or cursor.</exception>
    public SessionPage ListSessions(SessionQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.Limit is < 1 or > SessionQuery.MaxLimit)
        {
            throw new ArgumentException($"limit must be between 1 and {SessionQuery.MaxLimit}", nameof(query));
        }

        if (_empty)
        {
            return new SessionPage([], null);
        }

        using SqliteCommand command = Connection.CreateCommand();
        var where = new StringBuilder("WHERE 1 = 1");
        if (query.From is DateTimeOffset from)
        {
            where.Append(" AND s.created_at >= $from");
            command.Parameters.AddWithValue("$from", StoreText.Timestamp(from));
        }

        if (query.To is DateTimeOffset to)
        {
            where.Append(" AND s.created_at < $to");
            command.Parameters.AddWithValue("$to", StoreText.Timestamp(to));
        }

        if (query.ExperimentId is not null)
        {
            where.Append(" AND s.experiment_id = $experiment");
            command.Parameters.AddWithValue("$experiment", query.ExperimentId);
        }

        if (query.System is not null)
        {
            where.Append(" AND EXISTS (SELECT 1 FROM events e WHERE e.session_id = s.session_id AND e.system_instance_id = $system)");
            command.Parameters.AddWithValue("$system", query.System);
        }

        if (query.MinCostUsd is decimal minCost)
        {
            where.Append(" AND (SELECT total(e.cost_usd) FROM events e WHERE e.session_id = s.session_id) > $cost");
            command.Parameters.AddWithValue("$cost", (double)minCost);
        }

        if (query.Cursor is not null)
        {
            (string createdAt, string id) = DecodeCursor(query.Cursor);
            where.Append(" AND (s.created_at < $cts OR (s.created_at = $cts AND s.session_id < $cid))");
            command.Parameters.AddWithValue("$cts", createdAt);
            command.Parameters.AddWithValue("$cid", id);
        }

        command.CommandText = $"SELECT {SummaryColumns} FROM session_traces s {where} ORDER BY s.created_at DESC, s.session_id DESC LIMIT $limit;";
        command.Parameters.AddWithValue("$limit", query.Limit + 1);
        var items = new List<SessionSummary>();
        using (SqliteDataReader reader = command.ExecuteReader())
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
            SessionSummary last = items[^1];
            next = EncodeCursor(last.CreatedAt, last.SessionId);
        }

        return new SessionPage(items, next);
    }

    /// <summary>One session with everything in it, or <see langword="null"/> when the id is not stored.</summary>
    public SessionDetail? GetSession(string sessionId)
    {
        StoredSession? stored = Read(sessionId);
        if (stored is null)
        {
            return null;
        }

        var timesteps = stored.Timesteps.ConvertAll(static t => new TimestepData
        {
            Id = t.Id, StepId = t.StepId, StepIndex = t.StepIndex, TurnNumber = t.TurnNumber,
            StartedAt = StoreText.ParseTimestamp(t.StartedAt),
            CompletedAt = t.CompletedAt is null ? null : StoreText.ParseTimestamp(t.CompletedAt),
            Metadata = MetadataJson.Read(t.Metadata),
        });
        var events = stored.Events.ConvertAll(ToEvent);
        var messages = stored.Messages.ConvertAll(static m => new SessionMessage
        {
            Id = m.Id, SessionId = m.SessionId, TimestepId = m.TimestepId,
            MessageType = StoreText.TryParseMessageType(m.MessageType, out MessageType type) ? type : MessageType.Observation,
            Content = m.Content, EventTime = StoreText.ParseTimestamp(m.EventTime), Metadata = MetadataJson.Read(m.Metadata),
            Embedding = Embedding.FromBlob(m.Embedding),
        });
        return new SessionDetail(stored.Summary, timesteps, events, messages);
    }

    /// <summary>LLM calls, tokens and cost per model, most expensive first; optionally within [<paramref name="from"/>, <paramref name="to"/>).</summary>
    public IReadOnlyList<ModelCost> CostByModel(DateTimeOffset? from = null, DateTimeOffset? to = null)
    {
        if (_empty)
        {
            return [];
        }

        using SqliteCommand command = Connection.CreateCommand();
        command.CommandText = """
            SELECT model_name, count(*), coalesce(sum(input_tokens), 0), coalesce(sum(output_tokens), 0), total(cost_usd)
            FROM events
            WHERE model_name IS NOT NULL AND ($from IS NULL OR event_time >= $from) AND ($to IS NULL OR event_time < $to)
            GROUP BY model_name ORDER BY 5 DESC;
            """;
        command.Parameters.AddWithValue("$from", from is DateTimeOffset f ? StoreText.Timestamp(f) : DBNull.Value);
        command.Parameters.AddWithValue("$to", to is DateTimeOffset t ? StoreText.Timestamp(t) : DBNull.Value);
        var result = new List<ModelCost>();
        using SqliteDataReader reader = command.ExecuteReader();
        while (reader.Read())
        {
            result.Add(new ModelCost(reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), ToDecimal(reader.GetDouble(4))));
        }

        return result;
    }

    /// <summary>The events whose embedding is most similar (cosine) to <paramref name="vector"/>, best first.</summary>
    public IReadOnlyList<SimilarityMatch> FindSimilarEvents(float[] vector, int limit = 10, string? sessionId = null) =>
        FindSimilar("events", vector, limit, sessionId);

    /// <summary>The messages whose embedding is most similar (cosine) to <paramref name="vector"/>, best first.</summary>
    public IReadOnlyList<SimilarityMatch> FindSimilarMessages(float[] vector, int limit = 10, string? sessionId = null) =>
        FindSimilar("messages", vector, limit, sessionId);

    private List<SimilarityMatch> FindSimilar(string table, float[] vector, int limit, string? sessionId)
    {
        ArgumentNullException.ThrowIfNull(vector);
        if (vector.Length == 0)
        {
            throw new ArgumentException("the query vector is empty", nameof(vector));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        if (_empty)
        {
            return [];
        }

        using SqliteCommand command = Connection.CreateCommand();
        command.CommandText = $"""
            SELECT id, session_id, cosine_similarity(embedding, $q) AS similarity FROM {table}
            WHERE embedding IS NOT NULL AND length(embedding) = length($q) AND ($session IS NULL OR session_id = $session)
              AND similarity IS NOT NULL
            ORDER BY similarity DESC LIMIT $limit;
            """;
        command.Parameters.AddWithValue("$q", Embedding.ToBlob(vector));
        command.Parameters.AddWithValue("$session", (object?)sessionId ?? DBNull.Value);
        command.Parameters.AddWithValue("$limit", limit);
        var result = new List<SimilarityMatch>();
        using SqliteDataReader reader = command.ExecuteReader();
        while (reader.Read())
        {
            result.Add(new SimilarityMatch(reader.GetString(0), reader.GetString(1), reader.GetDouble(2)));
        }

        return result;
    }

    /// <summary>A session as rows, or <see langword="null"/>.</summary>
    internal StoredSession? Read(string sessionId)
    {
        if (_empty)
        {
            return null;
        }

        ArgumentException.ThrowIfNullOrWhiteSpace(sessionId);
        SessionSummary summary;
        SessionRow row;
        using (SqliteCommand command = Connection.CreateCommand())
        {
            command.CommandText = $"SELECT {SummaryColumns} FROM session_traces s WHERE s.session_id = $id;";
            command.Parameters.AddWithValue("$id", sessionId);
            using SqliteDataReader reader = command.ExecuteReader();
            if (!reader.Read())
            {
                return null;
            }

            summary = ReadSummary(reader);
            row = new SessionRow(summary.SessionId, summary.CreatedAt, summary.Metadata, summary.ExperimentId);
        }

        var timesteps = new List<TimestepRow>();
        using (SqliteCommand command = Connection.CreateCommand())
        {
            command.CommandText = "SELECT id, session_id, step_id, step_index, turn_number, started_at, completed_at, metadata FROM session_timesteps WHERE session_id = $id ORDER BY step_index, started_at;";
            command.Parameters.AddWithValue("$id", sessionId);
            using SqliteDataReader r = command.ExecuteReader();
            while (r.Read())
            {
                timesteps.Add(new TimestepRow(r.GetString(0), r.GetString(1), r.GetString(2), r.GetInt32(3), r.IsDBNull(4) ? null : r.GetInt32(4),
                    r.GetString(5), Text(r, 6), Text(r, 7)));
            }
        }

        var events = new List<EventRow>();
        using (SqliteCommand command = Connection.CreateCommand())
        {
            command.CommandText = $"SELECT {EventColumns} FROM events WHERE session_id = $id ORDER BY event_time, id;";
            command.Parameters.AddWithValue("$id", sessionId);
            using SqliteDataReader r = command.ExecuteReader();
            while (r.Read())
            {
                events.Add(new EventRow(r.GetString(0), r.GetString(1), Text(r, 2), r.GetString(3), Text(r, 4), r.GetString(5), Text(r, 6), Text(r, 7),
                    Long(r, 8), Long(r, 9), Long(r, 10), Real(r, 11), Real(r, 12), Text(r, 13), Text(r, 14), Text(r, 15),
                    r.IsDBNull(16) ? null : (byte[])r.GetValue(16)));
            }
        }

        var messages = new List<MessageRow>();
        using (SqliteCommand command = Connection.CreateCommand())
        {
            command.CommandText = "SELECT id, session_id, timestep_id, message_type, content, event_time, metadata, embedding FROM messages WHERE session_id = $id ORDER BY event_time, id;";
            command.Parameters.AddWithValue("$id", sessionId);
            using SqliteDataReader r = command.ExecuteReader();
            while (r.Read())
            {
                messages.Add(new MessageRow(r.GetString(0), r.GetString(1), Text(r, 2), r.GetString(3), r.GetString(4), r.GetString(5), Text(r, 6),
                    r.IsDBNull(7) ? null : (byte[])r.GetValue(7)));
            }
        }

        return new StoredSession(summary, row, timesteps, events, messages);
    }

    /// <summary>The ids of every session, oldest first (for the export).</summary>
    internal IEnumerable<string> AllSessionIds()
    {
        if (_empty)
        {
            return [];
        }

        using SqliteCommand command = Connection.CreateCommand();
        command.CommandText = "SELECT session_id FROM session_traces ORDER BY created_at, session_id;";
        using SqliteDataReader reader = command.ExecuteReader();
        var ids = new List<string>();
        while (reader.Read())
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }

    private static SessionEvent ToEvent(EventRow r)
    {
        SessionEvent e = r.EventType switch
        {
            "cais" => new LlmCallEvent
            {
                ModelName = r.ModelName, Provider = r.Provider, InputTokens = r.InputTokens, OutputTokens = r.OutputTokens,
                TotalTokens = r.TotalTokens, CostUsd = r.CostUsd is double c ? ToDecimal(c) : null, LatencyMs = r.LatencyMs,
            },
            "environment" => new EnvironmentEvent(),
            _ => new RuntimeEvent(),
        };
        e.Id = r.Id;
        e.SessionId = r.SessionId;
        e.TimestepId = r.TimestepId;
        e.EventTime = StoreText.ParseTimestamp(r.EventTime);
        e.SystemInstanceId = r.SystemInstanceId;
        e.TraceId = r.TraceId;
        e.SpanId = r.SpanId;
        e.Embedding = Embedding.FromBlob(r.Embedding);
        Dictionary<string, object?>? metadata = MetadataJson.Read(r.Metadata);
        if (metadata is not null)
        {
            e.ReadTypedMetadata(metadata);
            e.Metadata = metadata;
        }

        return e;
    }

    private static SessionSummary ReadSummary(SqliteDataReader r) => new()
    {
        SessionId = r.GetString(0),
        CreatedAt = r.GetString(1),
        Metadata = Text(r, 2),
        ExperimentId = Text(r, 3),
        NumTimesteps = r.GetInt64(4),
        NumEvents = r.GetInt64(5),
        NumMessages = r.GetInt64(6),
        InputTokens = r.GetInt64(7),
        OutputTokens = r.GetInt64(8),
        TotalTokens = r.GetInt64(9),
        CostUsd = ToDecimal(r.GetDouble(10)),
    };

    // Costs are stored as REAL (so SQL sums and compares them); 10 decimals undo the binary rounding of a sum.
    private static decimal ToDecimal(double value) => Math.Round((decimal)value, 10);

    private static string? Text(SqliteDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    private static long? Long(SqliteDataReader r, int i) => r.IsDBNull(i) ? null : r.GetInt64(i);

    private static double? Real(SqliteDataReader r, int i) => r.IsDBNull(i) ? null : r.GetDouble(i);

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
                return (text[..bar], text[(bar + 1)..]);
            }
        }
        catch (FormatException)
        {
        }

        throw new ArgumentException("the cursor is not one this API returned", nameof(cursor));
    }

    /// <inheritdoc />
    public void Dispose() => Connection.Dispose();
}
