namespace Instrumentor.Collector.Store;

/// <summary>The <c>system_info</c> of a request: which system, and which instance of it, sent the spans.</summary>
internal sealed record SenderIdentity(string? SystemName, string? SystemId, string? SystemInstanceId);
