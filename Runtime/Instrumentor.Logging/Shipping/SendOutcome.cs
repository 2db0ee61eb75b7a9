namespace Instrumentor.Logging;

/// <summary>The end of one send: its status, the collector's answer when delivered, what went wrong otherwise.</summary>
internal readonly record struct SendOutcome(SendStatus Status, LogIngestResult Result, string? Error);
