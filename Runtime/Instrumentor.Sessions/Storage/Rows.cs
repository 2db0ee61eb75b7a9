namespace Instrumentor.Sessions.Storage;

// The rows as stored: text timestamps ('YYYY-MM-DD HH:MM:SS.ffffff' UTC), metadata as JSON text, embeddings as
// float32 blobs. One shape for the local store, the collector's ingest body and the JSON Lines export.

internal sealed record SessionRow(string SessionId, string CreatedAt, string? Metadata, string? ExperimentId);

internal sealed record TimestepRow(string Id, string SessionId, string StepId, int StepIndex, int? TurnNumber,
    string StartedAt, string? CompletedAt, string? Metadata);

internal sealed record EventRow(string Id, string SessionId, string? TimestepId, string EventType, string? SystemInstanceId,
    string EventTime, string? ModelName, string? Provider, long? InputTokens, long? OutputTokens, long? TotalTokens,
    double? CostUsd, double? LatencyMs, string? TraceId, string? SpanId, string? Metadata, byte[]? Embedding);

internal sealed record MessageRow(string Id, string SessionId, string? TimestepId, string MessageType, string Content,
    string EventTime, string? Metadata, byte[]? Embedding);

internal sealed record ExperimentRow(string ExperimentId, string Name, string? Description, string? Configuration, string CreatedAt);

internal sealed record SystemRow(string SystemId, string Name, string? SystemType, string? Description);

internal sealed record SystemVersionRow(string VersionId, string SystemId, string Version, string? Configuration, string CreatedAt);
