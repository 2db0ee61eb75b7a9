using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text.Json;
using Instrumentor.Sessions.Storage;

namespace Instrumentor.Sessions.Json;

/// <summary>
/// Session rows as JSON, field names = column names: the collector's ingest body
/// (<c>{"sessions":[...],"timesteps":[...],"events":[...],"messages":[...],"experiments":[...],"systems":[...],
/// "system_versions":[...],"session_ends":["id"...]}</c>) and one line of a JSON Lines export (a session's fields
/// with its <c>timesteps</c>, <c>events</c> and <c>messages</c>). Hand-written reader and writer: no reflection.
/// </summary>
internal static class SessionJson
{
    // ---- writing ----

    internal static void WriteBatch(Utf8JsonWriter w, SessionBatch batch)
    {
        w.WriteStartObject();
        WriteArray(w, "experiments", batch.Experiments, WriteExperiment);
        WriteArray(w, "systems", batch.Systems, WriteSystem);
        WriteArray(w, "system_versions", batch.SystemVersions, WriteSystemVersion);
        WriteArray(w, "sessions", batch.Sessions, WriteSession);
        WriteArray(w, "timesteps", batch.Timesteps, WriteTimestep);
        WriteArray(w, "events", batch.Events, WriteEvent);
        WriteArray(w, "messages", batch.Messages, WriteMessage);
        w.WriteStartArray("session_ends");
        foreach (string id in batch.SessionEnds)
        {
            w.WriteStringValue(id);
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <summary>One export line: the session's columns plus its children.</summary>
    internal static void WriteSessionLine(Utf8JsonWriter w, SessionRow session, int numTimesteps, int numEvents, int numMessages,
        IReadOnlyList<TimestepRow> timesteps, IReadOnlyList<EventRow> events, IReadOnlyList<MessageRow> messages)
    {
        w.WriteStartObject();
        WriteSessionFields(w, session);
        w.WriteNumber("num_timesteps", numTimesteps);
        w.WriteNumber("num_events", numEvents);
        w.WriteNumber("num_messages", numMessages);
        WriteArray(w, "timesteps", timesteps, WriteTimestep);
        WriteArray(w, "events", events, WriteEvent);
        WriteArray(w, "messages", messages, WriteMessage);
        w.WriteEndObject();
    }

    private static void WriteArray<T>(Utf8JsonWriter w, string name, IReadOnlyList<T> rows, Action<Utf8JsonWriter, T> write)
    {
        w.WriteStartArray(name);
        foreach (T row in rows)
        {
            write(w, row);
        }

        w.WriteEndArray();
    }

    private static void WriteSession(Utf8JsonWriter w, SessionRow r)
    {
        w.WriteStartObject();
        WriteSessionFields(w, r);
        w.WriteEndObject();
    }

    private static void WriteSessionFields(Utf8JsonWriter w, SessionRow r)
    {
        w.WriteString("session_id", r.SessionId);
        w.WriteString("created_at", r.CreatedAt);
        Raw(w, "metadata", r.Metadata);
        Str(w, "experiment_id", r.ExperimentId);
    }

    internal static void WriteTimestep(Utf8JsonWriter w, TimestepRow r)
    {
        w.WriteStartObject();
        w.WriteString("id", r.Id);
        w.WriteString("session_id", r.SessionId);
        w.WriteString("step_id", r.StepId);
        w.WriteNumber("step_index", r.StepIndex);
        Num(w, "turn_number", r.TurnNumber);
        w.WriteString("started_at", r.StartedAt);
        Str(w, "completed_at", r.CompletedAt);
        Raw(w, "metadata", r.Metadata);
        w.WriteEndObject();
    }

    internal static void WriteEvent(Utf8JsonWriter w, EventRow r)
    {
        w.WriteStartObject();
        w.WriteString("id", r.Id);
        w.WriteString("session_id", r.SessionId);
        Str(w, "timestep_id", r.TimestepId);
        w.WriteString("event_type", r.EventType);
        Str(w, "system_instance_id", r.SystemInstanceId);
        w.WriteString("event_time", r.EventTime);
        Str(w, "model_name", r.ModelName);
        Str(w, "provider", r.Provider);
        Num(w, "input_tokens", r.InputTokens);
        Num(w, "output_tokens", r.OutputTokens);
        Num(w, "total_tokens", r.TotalTokens);
        Num(w, "cost_usd", r.CostUsd);
        Num(w, "latency_ms", r.LatencyMs);
        Str(w, "trace_id", r.TraceId);
        Str(w, "span_id", r.SpanId);
        Raw(w, "metadata", r.Metadata);
        Vector(w, r.Embedding);
        w.WriteEndObject();
    }

    internal static void WriteMessage(Utf8JsonWriter w, MessageRow r)
    {
        w.WriteStartObject();
        w.WriteString("id", r.Id);
        w.WriteString("session_id", r.SessionId);
        Str(w, "timestep_id", r.TimestepId);
        w.WriteString("message_type", r.MessageType);
        w.WriteString("content", r.Content);
        w.WriteString("event_time", r.EventTime);
        Raw(w, "metadata", r.Metadata);
        Vector(w, r.Embedding);
        w.WriteEndObject();
    }

    private static void WriteExperiment(Utf8JsonWriter w, ExperimentRow r)
    {
        w.WriteStartObject();
        w.WriteString("experiment_id", r.ExperimentId);
        w.WriteString("name", r.Name);
        Str(w, "description", r.Description);
        Raw(w, "configuration", r.Configuration);
        w.WriteString("created_at", r.CreatedAt);
        w.WriteEndObject();
    }

    private static void WriteSystem(Utf8JsonWriter w, SystemRow r)
    {
        w.WriteStartObject();
        w.WriteString("system_id", r.SystemId);
        w.WriteString("name", r.Name);
        Str(w, "system_type", r.SystemType);
        Str(w, "description", r.Description);
        w.WriteEndObject();
    }

    private static void WriteSystemVersion(Utf8JsonWriter w, SystemVersionRow r)
    {
        w.WriteStartObject();
        w.WriteString("version_id", r.VersionId);
        w.WriteString("system_id", r.SystemId);
        w.WriteString("version", r.Version);
        Raw(w, "configuration", r.Configuration);
        w.WriteString("created_at", r.CreatedAt);
        w.WriteEndObject();
    }

    private static void Str(Utf8JsonWriter w, string name, string? value)
    {
        if (value is null)
        {
            w.WriteNull(name);
        }
        else
        {
            w.WriteString(name, value);
        }
    }

    private static void Num(Utf8JsonWriter w, string name, long? value)
    {
        if (value is long v)
        {
            w.WriteNumber(name, v);
        }
        else
        {
            w.WriteNull(name);
        }
    }

    private static void Num(Utf8JsonWriter w, string name, double? value)
    {
        if (value is double v && double.IsFinite(v))
        {
            w.WriteNumber(name, v);
        }
        else
        {
            w.WriteNull(name);
        }
    }

    private static void Raw(Utf8JsonWriter w, string name, string? json)
    {
        w.WritePropertyName(name);
        if (json is null)
        {
            w.WriteNullValue();
        }
        else
        {
            w.WriteRawValue(json, skipInputValidation: false);
        }
    }

    private static void Vector(Utf8JsonWriter w, byte[]? blob)
    {
        w.WritePropertyName("embedding");
        float[]? vector = Embedding.FromBlob(blob);
        if (vector is null)
        {
            w.WriteNullValue();
            return;
        }

        w.WriteStartArray();
        foreach (float f in vector)
        {
            w.WriteNumberValue(f);
        }

        w.WriteEndArray();
    }

    // ---- reading ----

    /// <summary>Reads an ingest body; throws <see cref="SessionJsonException"/> with the path of the first fault.</summary>
    internal static SessionBatch ReadBatch(JsonElement root)
    {
        Expect(root, JsonValueKind.Object, "$");
        var batch = new SessionBatch();
        ReadArray(root, "$", "experiments", batch.Experiments, ReadExperiment);
        ReadArray(root, "$", "systems", batch.Systems, ReadSystem);
        ReadArray(root, "$", "system_versions", batch.SystemVersions, ReadSystemVersion);
        ReadArray(root, "$", "sessions", batch.Sessions, (e, p) => ReadSession(e, p));
        ReadArray(root, "$", "timesteps", batch.Timesteps, (e, p) => ReadTimestep(e, p, null));
        ReadArray(root, "$", "events", batch.Events, (e, p) => ReadEvent(e, p, null));
        ReadArray(root, "$", "messages", batch.Messages, (e, p) => ReadMessage(e, p, null));
        ReadArray(root, "$", "session_ends", batch.SessionEnds, (e, p) => Id(e, p));
        return batch;
    }

    /// <summary>Reads one export line as a batch: the session, its children (their session id forced to it), its end.</summary>
    internal static SessionBatch ReadSessionLine(JsonElement root)
    {
        Expect(root, JsonValueKind.Object, "$");
        var batch = new SessionBatch();
        SessionRow session = ReadSession(root, "$");
        batch.Sessions.Add(session);
        ReadArray(root, "$", "timesteps", batch.Timesteps, (e, p) => ReadTimestep(e, p, session.SessionId));
        ReadArray(root, "$", "events", batch.Events, (e, p) => ReadEvent(e, p, session.SessionId));
        ReadArray(root, "$", "messages", batch.Messages, (e, p) => ReadMessage(e, p, session.SessionId));
        batch.SessionEnds.Add(session.SessionId);
        return batch;
    }

    private static void ReadArray<T>(JsonElement parent, string path, string name, List<T> into, Func<JsonElement, string, T> read)
    {
        if (!parent.TryGetProperty(name, out JsonElement array) || array.ValueKind == JsonValueKind.Null)
        {
            return;
        }

        string arrayPath = path + "." + name;
        Expect(array, JsonValueKind.Array, arrayPath);
        int i = 0;
        foreach (JsonElement item in array.EnumerateArray())
        {
            into.Add(read(item, arrayPath + "[" + i.ToString(CultureInfo.InvariantCulture) + "]"));
            i++;
        }
    }

    private static SessionRow ReadSession(JsonElement e, string p)
    {
        Expect(e, JsonValueKind.Object, p);
        return new SessionRow(RequiredId(e, p, "session_id"), RequiredTime(e, p, "created_at"), Json(e, p, "metadata"), OptionalText(e, p, "experiment_id"));
    }

    private static TimestepRow ReadTimestep(JsonElement e, string p, string? sessionId)
    {
        Expect(e, JsonValueKind.Object, p);
        return new TimestepRow(RequiredId(e, p, "id"), sessionId ?? RequiredId(e, p, "session_id"), RequiredText(e, p, "step_id"),
            (int)(Integer(e, p, "step_index") ?? 0), (int?)Integer(e, p, "turn_number"), RequiredTime(e, p, "started_at"),
            OptionalTime(e, p, "completed_at"), Json(e, p, "metadata"));
    }

    private static EventRow ReadEvent(JsonElement e, string p, string? sessionId)
    {
        Expect(e, JsonValueKind.Object, p);
        string type = RequiredText(e, p, "event_type");
        if (type is not ("cais" or "environment" or "runtime"))
        {
            throw new SessionJsonException(p + ".event_type", "must be cais, environment or runtime");
        }

        return new EventRow(RequiredId(e, p, "id"), sessionId ?? RequiredId(e, p, "session_id"), OptionalText(e, p, "timestep_id"), type,
            OptionalText(e, p, "system_instance_id"), RequiredTime(e, p, "event_time"), OptionalText(e, p, "model_name"),
            OptionalText(e, p, "provider"), Integer(e, p, "input_tokens"), Integer(e, p, "output_tokens"), Integer(e, p, "total_tokens"),
            Number(e, p, "cost_usd"), Number(e, p, "latency_ms"), OptionalText(e, p, "trace_id"), OptionalText(e, p, "span_id"),
            Json(e, p, "metadata"), ReadVector(e, p));
    }

    private static MessageRow ReadMessage(JsonElement e, string p, string? sessionId)
    {
        Expect(e, JsonValueKind.Object, p);
        string type = RequiredText(e, p, "message_type");
        if (!StoreText.TryParseMessageType(type, out _))
        {
            throw new SessionJsonException(p + ".message_type", "must be system, user, assistant, tool or observation");
        }

        return new MessageRow(RequiredId(e, p, "id"), sessionId ?? RequiredId(e, p, "session_id"), OptionalText(e, p, "timestep_id"), type,
            RequiredText(e, p, "content", allowEmpty: true), RequiredTime(e, p, "event_time"), Json(e, p, "metadata"), ReadVector(e, p));
    }

    private static ExperimentRow ReadExperiment(JsonElement e, string p)
    {
        Expect(e, JsonValueKind.Object, p);
        return new ExperimentRow(RequiredId(e, p, "experiment_id"), RequiredText(e, p, "name"), OptionalText(e, p, "description"),
            Json(e, p, "configuration"), RequiredTime(e, p, "created_at"));
    }

    private static SystemRow ReadSystem(JsonElement e, string p)
    {
        Expect(e, JsonValueKind.Object, p);
        return new SystemRow(RequiredId(e, p, "system_id"), RequiredText(e, p, "name"), OptionalText(e, p, "system_type"), OptionalText(e, p, "description"));
    }

    private static SystemVersionRow ReadSystemVersion(JsonElement e, string p)
    {
        Expect(e, JsonValueKind.Object, p);
        return new SystemVersionRow(RequiredId(e, p, "version_id"), RequiredId(e, p, "system_id"), RequiredText(e, p, "version"),
            Json(e, p, "configuration"), RequiredTime(e, p, "created_at"));
    }

    private static void Expect(JsonElement e, JsonValueKind kind, string path)
    {
        if (e.ValueKind != kind)
        {
            throw new SessionJsonException(path, $"expected {kind.ToString().ToLowerInvariant()}, found {e.ValueKind.ToString().ToLowerInvariant()}");
        }
    }

    private static string Id(JsonElement e, string p)
    {
        if (e.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(e.GetString()) || e.GetString()!.Length > 128)
        {
            throw new SessionJsonException(p, "expected a non-empty id string (at most 128 characters)");
        }

        return e.GetString()!;
    }

    private static string RequiredId(JsonElement e, string p, string name) =>
        e.TryGetProperty(name, out JsonElement v) ? Id(v, p + "." + name) : throw new SessionJsonException(p + "." + name, "is required");

    private static string RequiredText(JsonElement e, string p, string name, bool allowEmpty = false)
    {
        string? text = OptionalText(e, p, name);
        if (text is null || (!allowEmpty && text.Trim().Length == 0))
        {
            throw new SessionJsonException(p + "." + name, "is required");
        }

        return text;
    }

    private static string? OptionalText(JsonElement e, string p, string name)
    {
        if (!e.TryGetProperty(name, out JsonElement v) || v.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        Expect(v, JsonValueKind.String, p + "." + name);
        return v.GetString();
    }

    private static string RequiredTime(JsonElement e, string p, string name) =>
        OptionalTime(e, p, name) ?? throw new SessionJsonException(p + "." + name, "is required");

    /// <summary>A timestamp in any ISO 8601 form, normalized to the store's text form.</summary>
    private static string? OptionalTime(JsonElement e, string p, string name)
    {
        string? text = OptionalText(e, p, name);
        if (text is null)
        {
            return null;
        }

        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out DateTimeOffset time))
        {
            throw new SessionJsonException(p + "." + name, "is not a timestamp");
        }

        return StoreText.Timestamp(time);
    }

    private static long? Integer(JsonElement e, string p, string name)
    {
        if (!e.TryGetProperty(name, out JsonElement v) || v.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt64(out long n) || n < 0)
        {
            throw new SessionJsonException(p + "." + name, "expected a non-negative integer");
        }

        return n;
    }

    private static double? Number(JsonElement e, string p, string name)
    {
        if (!e.TryGetProperty(name, out JsonElement v) || v.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        Expect(v, JsonValueKind.Number, p + "." + name);
        return v.GetDouble();
    }

    private static string? Json(JsonElement e, string p, string name)
    {
        if (!e.TryGetProperty(name, out JsonElement v) || v.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        Expect(v, JsonValueKind.Object, p + "." + name);
        return v.GetRawText();
    }

    private static byte[]? ReadVector(JsonElement e, string p)
    {
        if (!e.TryGetProperty("embedding", out JsonElement v) || v.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        Expect(v, JsonValueKind.Array, p + ".embedding");
        var vector = new float[v.GetArrayLength()];
        int i = 0;
        foreach (JsonElement item in v.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number)
            {
                throw new SessionJsonException(p + ".embedding[" + i.ToString(CultureInfo.InvariantCulture) + "]", "expected a number");
            }

            vector[i++] = item.GetSingle();
        }

        return Embedding.ToBlob(vector);
    }
}
