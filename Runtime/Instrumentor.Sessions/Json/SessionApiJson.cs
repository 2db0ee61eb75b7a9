using System.Globalization;
using System.Text.Json;
using Instrumentor.Sessions.Query;

namespace Instrumentor.Sessions.Json;

/// <summary>
/// The JSON of the collector's session API: <c>GET /api/sessions</c> (a page of summaries) and
/// <c>GET /api/sessions/{id}</c> (a summary with its timesteps, events and messages in order).
/// </summary>
internal static class SessionApiJson
{
    internal static void WritePage(Utf8JsonWriter w, SessionPage page)
    {
        w.WriteStartObject();
        w.WriteStartArray("items");
        foreach (SessionSummary summary in page.Items)
        {
            w.WriteStartObject();
            WriteSummaryFields(w, summary);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        if (page.NextCursor is null)
        {
            w.WriteNull("next_cursor");
        }
        else
        {
            w.WriteString("next_cursor", page.NextCursor);
        }

        w.WriteEndObject();
    }

    internal static void WriteDetail(Utf8JsonWriter w, StoredSession session)
    {
        w.WriteStartObject();
        WriteSummaryFields(w, session.Summary);
        w.WriteStartArray("timesteps");
        foreach (var t in session.Timesteps)
        {
            SessionJson.WriteTimestep(w, t);
        }

        w.WriteEndArray();
        w.WriteStartArray("events");
        foreach (var e in session.Events)
        {
            SessionJson.WriteEvent(w, e);
        }

        w.WriteEndArray();
        w.WriteStartArray("messages");
        foreach (var m in session.Messages)
        {
            SessionJson.WriteMessage(w, m);
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteSummaryFields(Utf8JsonWriter w, SessionSummary s)
    {
        w.WriteString("session_id", s.SessionId);
        w.WriteString("created_at", s.CreatedAt);
        if (s.ExperimentId is null)
        {
            w.WriteNull("experiment_id");
        }
        else
        {
            w.WriteString("experiment_id", s.ExperimentId);
        }

        w.WritePropertyName("metadata");
        if (s.Metadata is null)
        {
            w.WriteNullValue();
        }
        else
        {
            w.WriteRawValue(s.Metadata);
        }

        w.WriteNumber("num_timesteps", s.NumTimesteps);
        w.WriteNumber("num_events", s.NumEvents);
        w.WriteNumber("num_messages", s.NumMessages);
        w.WriteNumber("input_tokens", s.InputTokens);
        w.WriteNumber("output_tokens", s.OutputTokens);
        w.WriteNumber("total_tokens", s.TotalTokens);
        w.WriteNumber("cost_usd", s.CostUsd);
    }

    internal static string Format(decimal value) => value.ToString(CultureInfo.InvariantCulture);
}
