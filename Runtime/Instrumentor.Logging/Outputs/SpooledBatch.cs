namespace Instrumentor.Logging;

/// <summary>A batch waiting in the fallback file: its id, how many lines, and the JSON array body as sent.</summary>
internal sealed record SpooledBatch(string BatchId, int Lines, byte[] Body);
