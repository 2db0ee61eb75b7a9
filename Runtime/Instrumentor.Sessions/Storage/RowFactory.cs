using System;
using System.Collections.Generic;
using Instrumentor.Sessions.Json;

namespace Instrumentor.Sessions.Storage;

/// <summary>The public objects as rows; fills what the caller left unset (ids, times, totals, cost).</summary>
internal static class RowFactory
{
    internal static EventRow Event(SessionEvent e, PriceTable prices)
    {
        if (e is LlmCallEvent call)
        {
            if (call.TotalTokens is null && call.InputTokens is long i && call.OutputTokens is long o)
            {
                call.TotalTokens = i + o;
            }

            if (call.CostUsd is null && prices.TryGet(call.ModelName, out ModelPrice price)
                && (call.InputTokens is not null || call.OutputTokens is not null))
            {
                call.CostUsd = price.Cost(call.InputTokens ?? 0, call.OutputTokens ?? 0);
            }
        }

        e.Id ??= StoreText.NewId();
        e.EventTime ??= DateTimeOffset.UtcNow;
        var metadata = e.Metadata is null ? new Dictionary<string, object?>(StringComparer.Ordinal) : new Dictionary<string, object?>(e.Metadata, StringComparer.Ordinal);
        e.AddTypedMetadata(metadata);
        var llm = e as LlmCallEvent;
        return new EventRow(e.Id, e.SessionId!, e.TimestepId, e.EventType, e.SystemInstanceId, StoreText.Timestamp(e.EventTime.Value),
            llm?.ModelName, llm?.Provider, llm?.InputTokens, llm?.OutputTokens, llm?.TotalTokens,
            llm?.CostUsd is decimal cost ? (double)cost : null, llm?.LatencyMs, e.TraceId, e.SpanId,
            MetadataJson.Write(metadata), Embedding.ToBlob(e.Embedding));
    }

    internal static MessageRow Message(SessionMessage m)
    {
        m.Id ??= StoreText.NewId();
        m.EventTime ??= DateTimeOffset.UtcNow;
        return new MessageRow(m.Id, m.SessionId!, m.TimestepId, StoreText.MessageType(m.MessageType), m.Content,
            StoreText.Timestamp(m.EventTime.Value), MetadataJson.Write(m.Metadata), Embedding.ToBlob(m.Embedding));
    }

    /// <summary>A complete session as one batch: the session, its children, and its end (the counters).</summary>
    internal static void AddSession(SessionBatch batch, SessionData data, PriceTable prices)
    {
        data.SessionId ??= StoreText.NewId();
        data.CreatedAt ??= DateTimeOffset.UtcNow;
        string sessionId = data.SessionId;
        batch.Sessions.Add(new SessionRow(sessionId, StoreText.Timestamp(data.CreatedAt.Value), MetadataJson.Write(data.Metadata), data.ExperimentId));
        foreach (TimestepData step in data.Timesteps)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(step.StepId, "TimestepData.StepId");
            step.Id ??= StoreText.NewId();
            batch.Timesteps.Add(new TimestepRow(step.Id, sessionId, step.StepId, step.StepIndex, step.TurnNumber,
                StoreText.Timestamp(step.StartedAt ?? data.CreatedAt.Value),
                step.CompletedAt is DateTimeOffset done ? StoreText.Timestamp(done) : null, MetadataJson.Write(step.Metadata)));
        }

        foreach (SessionEvent e in data.Events)
        {
            ArgumentNullException.ThrowIfNull(e, "SessionData.Events[]");
            e.SessionId = sessionId;
            batch.Events.Add(Event(e, prices));
        }

        foreach (SessionMessage m in data.Messages)
        {
            ArgumentNullException.ThrowIfNull(m, "SessionData.Messages[]");
            m.SessionId = sessionId;
            batch.Messages.Add(Message(m));
        }

        batch.SessionEnds.Add(sessionId);
    }
}
